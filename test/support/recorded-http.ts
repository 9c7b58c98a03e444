// The rules every recorded-response suite follows: no real network, every mock consumed, and nock
// taken off Node's http when the file ends, so the next file in the same jest worker starts clean.
import nock from "nock";

export function useRecordedHttp(): typeof nock {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
  return nock;
}
