// Task bodies for a rich-text field (HubSpot's hs_task_body): paragraphs and lines kept, what people typed
// escaped, and a body whose markup would pass the field's limit cut to fit instead of refused whole.
import { plainTextToHtml, plainTextToHtmlWithin } from "../../src/core/text/rich-text.js";

describe("task bodies as rich text", () => {
  it("keeps paragraphs and lines and escapes what people typed", () => {
    expect(plainTextToHtml("Anaïs O'Brien qualified with 82 points.\n\nWhy:\n+30 Page \"Tarifs & devis <Entreprise>\"\r\n+20 Title")).toBe(
      "<p>Anaïs O&#39;Brien qualified with 82 points.</p><p>Why:<br>+30 Page &quot;Tarifs &amp; devis &lt;Entreprise&gt;&quot;<br>+20 Title</p>",
    );
  });

  it("leaves a body within the limit as plainTextToHtml gives it", () => {
    const body = "Société Générale d'Ingénierie\nR&D <Pricing>";
    expect(plainTextToHtmlWithin(body, 65_536)).toBe(plainTextToHtml(body));
  });

  it("cuts a body whose escapes take it past the limit, at a whole character, ending with an ellipsis", () => {
    // 32,000 characters of a digest (the plain limit) that escape to more than twice that.
    const line = "«O'Brien & Søn» <R&D> \"Q&A\" l'offre & l'été\n";
    const body = line.repeat(Math.ceil(32_000 / line.length)).slice(0, 32_000);
    expect(plainTextToHtml(body).length).toBeGreaterThan(65_536);
    const html = plainTextToHtmlWithin(body, 65_536);
    expect(html.length).toBeLessThanOrEqual(65_536);
    expect(html.length).toBeGreaterThan(60_000);
    expect(html.endsWith("…</p>")).toBe(true);
    // Every escape whole: no "&am" left at the cut.
    expect(html.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toMatch(/&/);
    expect(html.startsWith("<p>«O&#39;Brien &amp; Søn» &lt;R&amp;D&gt; &quot;Q&amp;A&quot; l&#39;offre &amp; l&#39;été<br>")).toBe(true);
  });
});
