using System;
using System.Threading.Tasks;

namespace NanGuard.Benchmarks;

internal sealed class FixBenchmark
{
    public FixBenchmark(Setup setup, Corpus corpus, int samples, Action<string, bool, string> verdict)
    {
    }

    public Task<string> RunAsync() => Task.FromResult("");
}
