/**
 * The Smartlead password lives here, in memory, between "Review" and "Place order" — never in
 * SQLite, logs, Slack messages, `private_metadata` or error reports. Entries expire; after a
 * restart the person is asked to enter it again.
 */
export class PasswordVault {
  private readonly entries = new Map<string, { password: string; expiresAt: number }>();

  constructor(private readonly ttlMs = 60 * 60_000) {}

  put(draftId: string, password: string, now: number): void {
    this.sweep(now);
    this.entries.set(draftId, { password, expiresAt: now + this.ttlMs });
  }

  get(draftId: string, now: number): string | undefined {
    this.sweep(now);
    return this.entries.get(draftId)?.password;
  }

  delete(draftId: string): void {
    this.entries.delete(draftId);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
