// Allocation profiles: decode (decode.ts), attribute per line as `go tool pprof -lines` does
// (attribute.ts), place on local files (mapping.ts), join with findings (join.ts), report (report.ts),
// load in a worker (load.ts, worker.ts).
export * from './decode';
export * from './attribute';
export * from './mapping';
export * from './join';
export * from './report';
export * from './load';
