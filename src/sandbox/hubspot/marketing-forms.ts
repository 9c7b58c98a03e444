// The portal's forms (Forms API v3, GET /marketing/v3/forms): id (a GUID) and name, so the form
// submissions API can be listed per form and a conversion can be named after its form.
// https://developers.hubspot.com/docs/api-reference/marketing-forms-v3/forms/get-marketing-v3-forms

export interface MarketingForm {
  id: string;
  name: string;
  createdAt: Date;
}

export class FormRegistry {
  private readonly forms = new Map<string, MarketingForm>();
  /** Form id → contacts who submitted it, for the count of unique forms a contact submitted. */
  private readonly submitters = new Map<string, Set<string>>();

  /** Adds the form if the portal does not have it yet; the first name given stays. */
  ensure(id: string, name: string, at: Date): MarketingForm {
    const held = this.forms.get(id);
    if (held) return held;
    const form = { id, name, createdAt: new Date(at) };
    this.forms.set(id, form);
    return form;
  }

  /** True the first time this contact submits this form. */
  firstSubmission(formId: string, contactId: string): boolean {
    const who = this.submitters.get(formId) ?? new Set<string>();
    this.submitters.set(formId, who);
    if (who.has(contactId)) return false;
    who.add(contactId);
    return true;
  }

  get(id: string): MarketingForm | undefined {
    return this.forms.get(id);
  }

  /** Oldest first, then by id: a stable order for paging. */
  list(): MarketingForm[] {
    return [...this.forms.values()].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );
  }
}
