// Headless Chromium for tests that look at leadloop's web pages (the ops console, the HTML report).
// playwright-core drives the system's Debian `chromium` (installed by .ci/run); no browser is downloaded.
import { chromium, type Browser } from "playwright-core";

/** Where the browser lives: LEADLOOP_CHROMIUM overrides Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.LEADLOOP_CHROMIUM ?? "/usr/bin/chromium";
}

/** Launches headless Chromium; the caller closes it. --no-sandbox because CI runs as root in a container. */
export async function openBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox"] });
}
