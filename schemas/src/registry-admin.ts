/**
 * The few Confluent Schema Registry REST calls the client library does not expose: set a subject's
 * compatibility, test a schema against a subject's latest version, list and delete subjects. Plain `fetch`
 * against the Confluent API (`/apis/ccompat/v7` on Apicurio), so the same code works on Confluent's server.
 */

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** A 409 means another writer created the rule first; one more PUT updates it, a few cover a burst of writers. */
const SET_COMPATIBILITY_ATTEMPTS = 5;

export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'NONE';

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export class RegistryAdmin {
  private readonly base: string;
  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, json };
  }

  private async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const { status, json } = await this.call(method, path, body);
    if (status >= 300) this.fail(method, path, status, json);
    return json;
  }

  private fail(method: string, path: string, status: number, json: unknown): never {
    const message = (json as { message?: string } | undefined)?.message ?? JSON.stringify(json);
    throw new RegistryError(`${method} ${this.base}${path} answered ${status}: ${message}`, status);
  }

  /** True when the registry answers; the check script skips the registry comparison otherwise. */
  async reachable(): Promise<boolean> {
    try {
      return (await this.call('GET', '/subjects')).status === 200;
    } catch {
      return false;
    }
  }

  /**
   * `PUT /config/{subject}`: set the compatibility level enforced when registering new versions. Idempotent under
   * concurrency: Apicurio creates a subject's compatibility rule on the first PUT and answers a PUT that races it
   * (every service registering the reply subject at the same start) with 409 "A rule named 'COMPATIBILITY' already
   * exists". The rule exists by then, so the same PUT again updates it; the last writer wins, as without a race.
   */
  async setCompatibility(subject: string, compatibility: Compatibility): Promise<void> {
    const path = `/config/${encodeURIComponent(subject)}`;
    for (let attempt = 1; ; attempt++) {
      const { status, json } = await this.call('PUT', path, { compatibility });
      if (status < 300) return;
      if (status !== 409 || attempt === SET_COMPATIBILITY_ATTEMPTS) this.fail('PUT', path, status, json);
    }
  }

  /**
   * `POST /compatibility/subjects/{subject}/versions/latest`: whether `schema` may be registered as the next
   * version. `undefined` when the subject does not exist yet (nothing to be compatible with).
   */
  async isCompatibleWithLatest(subject: string, schema: object): Promise<boolean | undefined> {
    // Asked first because Apicurio answers `is_compatible: true` for a subject that does not exist.
    const versions = await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    if (versions.status === 404) return undefined;
    const { status, json } = await this.call(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
      { schema: JSON.stringify(schema) },
    );
    if (status === 404) return undefined;
    if (status >= 300)
      throw new RegistryError(`compatibility check of ${subject} answered ${status}: ${JSON.stringify(json)}`, status);
    return (json as { is_compatible: boolean }).is_compatible;
  }

  async subjects(): Promise<string[]> {
    return (await this.ok('GET', '/subjects')) as string[];
  }

  /** Soft-deletes then permanently deletes a subject (the registry must allow deletion). Missing is fine. */
  async deleteSubject(subject: string): Promise<void> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    const soft = await this.call('DELETE', path);
    if (soft.status >= 300 && soft.status !== 404) {
      throw new RegistryError(`DELETE ${path} answered ${soft.status}: ${JSON.stringify(soft.json)}`, soft.status);
    }
    const hard = await this.call('DELETE', `${path}?permanent=true`);
    if (hard.status >= 300 && hard.status !== 404) {
      throw new RegistryError(
        `DELETE ${path}?permanent=true answered ${hard.status}: ${JSON.stringify(hard.json)}`,
        hard.status,
      );
    }
  }
}
