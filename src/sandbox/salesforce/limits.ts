// The org's rolling 24-hour API allocation (REST API Developer Guide, "Limits" and the Sforce-Limit-Info
// response header). Every authenticated API call counts; past the allocation calls answer 403
// REQUEST_LIMIT_EXCEEDED.
export class ApiUsage {
  used = 0;

  constructor(public max: number) {}

  get exhausted(): boolean {
    return this.used >= this.max;
  }

  header(): string {
    return `api-usage=${this.used}/${this.max}`;
  }
}
