// Crashes and stops at any write, with HubSpot's own objects as the CRM: test/support/crash-resume.ts.
import { describeCrashResume } from "../support/crash-resume.js";

describeCrashResume("hubspot");
