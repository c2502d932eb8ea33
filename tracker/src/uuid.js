// An RFC 4122 v4 id per event, so retries, beacons and the server-side Meta pixel deduplicate.
// crypto.randomUUID only exists in secure contexts; getRandomValues exists everywhere.
export const uuid = () =>
  crypto.randomUUID
    ? crypto.randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (x) =>
        (x ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (x / 4)))).toString(16),
      );
