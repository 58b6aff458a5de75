// Preloaded into the server under measurement (node --expose-gc --import bench/heap-probe.mjs):
// on SIGUSR2 it collects garbage and writes the heap in use to the file named by HEAP_PROBE_FILE,
// so that the benchmark can tell a leak from the heap merely growing its reserve.
import { writeFileSync } from "node:fs";

process.on("SIGUSR2", () => {
  globalThis.gc?.();
  writeFileSync(process.env.HEAP_PROBE_FILE ?? "heap-probe.json", JSON.stringify(process.memoryUsage()));
});
