// Crashes and stops at any write, with Salesforce as the CRM: test/support/crash-resume.ts.
import { describeCrashResume } from "../support/crash-resume.js";

describeCrashResume("salesforce");
