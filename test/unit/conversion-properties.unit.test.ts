// A form submission told by a contact's conversion properties (core/behaviour/conversion-properties.ts):
// only one new submission since the contact was last read, newer than that read, of a form the portal
// lists, is told; anything else is left to the forms API.
import { conversionCount, formNamed, newSubmissionAt, type PortalForm } from "../../src/core/behaviour/conversion-properties.js";

const HOUR = 3_600_000;
const readAt = "2026-11-30T10:00:00.000Z";
const FORMS: PortalForm[] = [
  { id: "f-download", name: "Download: État des RevOps 2026" },
  { id: "f-download-short", name: "Download" },
  { id: "f-demo", name: "Demande de démo" },
];

describe("newSubmissionAt", () => {
  const fields = (count: string | null, date: string | null) => ({ num_conversion_events: count, recent_conversion_date: date });

  it("tells the latest conversion when the count rose by exactly one since the last read", () => {
    expect(newSubmissionAt(fields("3", "2026-11-30T11:15:02.123Z"), { count: "2", readAt }, HOUR)).toBe("2026-11-30T11:15:02.123Z");
  });

  it("tells a never-read contact's only submission, whenever it was made", () => {
    expect(newSubmissionAt(fields("1", "2026-01-04T08:00:00.000Z"), null, HOUR)).toBe("2026-01-04T08:00:00.000Z");
  });

  it("takes a submission recorded a little before the last read as new, but not one older than HubSpot's lateness", () => {
    expect(newSubmissionAt(fields("3", "2026-11-30T09:30:00.000Z"), { count: "2", readAt }, HOUR)).toBe("2026-11-30T09:30:00.000Z");
    expect(newSubmissionAt(fields("3", "2026-11-30T08:59:59.999Z"), { count: "2", readAt }, HOUR)).toBeNull();
  });

  it("tells nothing for two new submissions, a count that fell, an unknown count or a missing date", () => {
    expect(newSubmissionAt(fields("4", "2026-11-30T11:00:00.000Z"), { count: "2", readAt }, HOUR)).toBeNull();
    expect(newSubmissionAt(fields("2", "2026-11-30T11:00:00.000Z"), { count: "3", readAt }, HOUR)).toBeNull();
    expect(newSubmissionAt(fields("3", "2026-11-30T11:00:00.000Z"), { count: null, readAt }, HOUR)).toBeNull();
    expect(newSubmissionAt(fields("2", null), null, HOUR)).toBeNull();
    expect(newSubmissionAt(fields("2", ""), { count: "1", readAt }, HOUR)).toBeNull();
    expect(newSubmissionAt(fields("2.5", "2026-11-30T11:00:00.000Z"), { count: "1", readAt }, HOUR)).toBeNull();
  });

  it("reads a blank count as none", () => {
    expect(newSubmissionAt(fields("1", "2026-11-30T11:00:00.000Z"), { count: "0", readAt }, HOUR)).toBe("2026-11-30T11:00:00.000Z");
    expect(newSubmissionAt(fields(" ", "2026-11-30T11:00:00.000Z"), { count: "0", readAt }, HOUR)).toBeNull();
  });
});

describe("formNamed", () => {
  it("names the form whose name the conversion name starts with, before the page title", () => {
    expect(formNamed("Demande de démo: Réservez votre démo — Zoë", FORMS)?.id).toBe("f-demo");
    expect(formNamed("Demande de démo", FORMS)?.id).toBe("f-demo");
  });

  it("takes the longest form name when one form's name starts another's", () => {
    expect(formNamed("Download: État des RevOps 2026: Téléchargez le rapport", FORMS)?.id).toBe("f-download");
    expect(formNamed("Download: Guide", FORMS)?.id).toBe("f-download-short");
  });

  it("names none for a conversion no form of the portal names, or a name that only begins like one", () => {
    expect(formNamed("Webinar: Fixing the lead handoff", FORMS)).toBeUndefined();
    expect(formNamed("Demande de démonstration", FORMS)).toBeUndefined();
    expect(formNamed(null, FORMS)).toBeUndefined();
    expect(formNamed("", [{ id: "blank", name: "" }])).toBeUndefined();
  });
});

describe("conversionCount", () => {
  it("keeps a whole count as text, blank as none, anything else as unknown", () => {
    expect(conversionCount("12")).toBe("12");
    expect(conversionCount(null)).toBe("0");
    expect(conversionCount("")).toBe("0");
    expect(conversionCount("-1")).toBeNull();
    expect(conversionCount("abc")).toBeNull();
  });
});
