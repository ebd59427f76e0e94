using System.Globalization;
using Imaging.Edge.Bench.Queue;

// Queue benchmark (not a test). Usage:
//   QueueBench enqueue WORK_DIR [SMALL_ROWS=10000] [LARGE_ROWS=1000000] [WINDOW=2000] [REPEATS=3]
//   QueueBench startup WORK_DIR [PENDING_ROWS=100000] [RUNS=3] [GATEWAY_EXE]
//   QueueBench build DATA_DIR [PENDING_ROWS=100000]    a data folder with pending rows and their files
//   QueueBench steps DATA_DIR                          recovery's steps timed one by one (run it in a fresh process: JIT included)
// Lines starting "RESULT key=value" are for tests/bench/queue.sh.
static long Arg(string[] args, int index, long fallback) =>
    args.Length > index && args[index].Length > 0 ? long.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: QueueBench enqueue WORK_DIR [SMALL_ROWS] [LARGE_ROWS] [WINDOW] | startup WORK_DIR [PENDING_ROWS] [RUNS] [GATEWAY_EXE]");
    return 2;
}
var work = Path.GetFullPath(args[1]);
Directory.CreateDirectory(work);
return args[0] switch
{
    "enqueue" => EnqueueBench.Run(work, Arg(args, 2, 10_000), Arg(args, 3, 1_000_000), (int)Arg(args, 4, 2_000), (int)Arg(args, 5, 3)),
    "startup" => StartupBench.Run(work, Arg(args, 2, 100_000), args.Length > 4 ? args[4] : null, (int)Arg(args, 3, 3)),
    "build" => Build(work, Arg(args, 2, 100_000)),
    "steps" => Steps(work),
    _ => 2,
};

static int Build(string dataDir, long rows)
{
    StartupBench.Build(dataDir, rows);
    return 0;
}

static int Steps(string dataDir)
{
    StartupBench.Breakdown(dataDir, "fresh process: JIT and SQLite start-up included");
    return 0;
}
