namespace NanGuard.Benchmarks;

internal static class Callgrind
{
    public static int RunChild(BenchmarkOptions options, string configuration) => 0;

    public static int Drive(BenchmarkOptions options, string[] args) => 0;
}
