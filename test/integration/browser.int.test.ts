// The browser the page tests rely on starts and renders a page (Debian chromium through playwright-core).
import { openBrowser } from "../support/browser.js";

test("headless chromium renders a page and reads its text", async () => {
  const browser = await openBrowser();
  try {
    const page = await browser.newPage();
    await page.setContent("<main><h1>Café Müller — Straße</h1></main>");
    expect(await page.textContent("h1")).toBe("Café Müller — Straße");
  } finally {
    await browser.close();
  }
});
