// The parts of the official Datadog client the tests use (its common part, v1 MetricsApi),
// imported without the package's index, which loads every v1 and v2 API (about 9,000 modules,
// seconds of CPU in each test process that imports it). runtime/analysis/providers/datadog.ts
// loads the same modules.
import * as client from "@datadog/datadog-api-client/dist/packages/datadog-api-client-common/index.js";
import { MetricsApi } from "@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/apis/MetricsApi.js";

export { client };
export const v1 = { MetricsApi };
export declare namespace v1 {
  type MetricsApi = import("@datadog/datadog-api-client").v1.MetricsApi;
}
