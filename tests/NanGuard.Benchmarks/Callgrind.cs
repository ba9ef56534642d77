using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace NanGuard.Benchmarks;

/// <summary>
/// Instruction counts under callgrind, for figures that must compare across runs and machines. Each configuration
/// runs in its own process under <c>valgrind --tool=callgrind</c>, once with the configuration run once and once with
/// it run 1 + <c>--warm-runs</c> times (tiered compilation, tiered PGO and concurrent GC off, one processor); the
/// difference over the warm runs is the instructions of one warm run, without start-up, corpus generation or JIT.
/// The processes run side by side, one per processor: an instruction count does not depend on what else the machine
/// runs.
/// </summary>
internal static class Callgrind
{
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["DOTNET_TieredCompilation"] = "0",
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_gcConcurrent"] = "0",
        // A gen0 budget of 1 GiB: no collection starts inside a measured compilation, only the full ones the harness
        // makes between runs. Otherwise whether a collection lands inside the warm runs or not decides tens of
        // millions of instructions, more than NanGuard's whole cost. Each run's allocations are printed instead.
        ["DOTNET_GCgen0size"] = "40000000",
        ["DOTNET_PROCESSOR_COUNT"] = "1",
        // The runtime maps its JIT code twice (writable and executable) by default; valgrind cannot follow that
        // and the process dies with an access violation.
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    /// <summary>Child: generate the corpus, run <paramref name="name"/> <c>--repeat</c> times, check the first run's findings.</summary>
    public static int RunChild(BenchmarkOptions options, string name)
    {
        var setup = new Setup(options.Sdk);
        var torch = !name.StartsWith("plain:", StringComparison.Ordinal);
        var configurationName = torch ? name : name["plain:".Length..];
        var configuration = new[] { setup.Compile, setup.Idle, setup.Baseline, setup.NanGuard, setup.PeerConfiguration! }.Concat(setup.PerRule)
            .FirstOrDefault(c => c.Name.Split(' ')[0] == configurationName)
            ?? throw new ArgumentException($"unknown configuration {configurationName}");
        var corpus = setup.Generate(options.Sizes[0], options.Seed, torch);
        var compilation = Compiler.Create(corpus);
        for (var i = 0; i < options.CallgrindRepeat; i++)
        {
            var (allocated, gen0, gen1, gen2) = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var run = Compiler.Run(configuration, compilation);
            // What the run allocated, which the counts leave to the collections made between runs, and the collections
            // the run itself made (the harness's own two full ones included): on standard error, beside valgrind's report.
            Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} run {1}: allocated {2:N0} bytes; collections gen0 {3}, gen1 {4}, gen2 {5}",
                configuration.Name.Split(' ')[0], i + 1, GC.GetTotalAllocatedBytes(precise: true) - allocated,
                GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2));
            if (i == 0 && !configuration.IsCompileOnly)
            {
                foreach (var id in setup.IdsOf(configuration))
                {
                    var expected = corpus.Planted.TryGetValue(id, out var e) ? e : 0;
                    if ((run.Findings.TryGetValue(id, out var a) ? a : 0) != expected)
                        throw new BenchmarkFailure($"{configuration.Name}: {a} {id} finding(s), {expected} planted");
                }
            }
        }
        return 0;
    }

    /// <summary>Driver: runs every configuration under callgrind and prints the instructions of one warm run of each.</summary>
    public static int Drive(BenchmarkOptions options, string[] args)
    {
        var setup = new Setup(options.Sdk);
        var names = new List<string> { "compile", "baseline", "NanGuard", Plants.PeerRule };
        if (options.CallgrindPerRule)
            names.AddRange(setup.PerRule.Select(r => r.Name.Split(' ')[0]));
        names.AddRange(new[] { "plain:compile", "plain:idle", "plain:NanGuard" });
        var folder = Path.Combine(Path.GetTempPath(), "nanguard-callgrind-" + System.Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var size = options.Sizes[0].ToString(CultureInfo.InvariantCulture);
        var warm = options.CallgrindWarmRuns;
        Console.WriteLine($"callgrind: corpus {Setup.SizeName(options.Sizes[0])}, seed {options.Seed}, {names.Count * 2} processes, {warm} warm run(s), " +
            $"{System.Environment.ProcessorCount} at a time; environment " + string.Join(" ", Environment.Select(e => $"{e.Key}={e.Value}")));
        var runs = names.SelectMany(name => new[] { (Name: name, Repeat: 1), (Name: name, Repeat: 1 + warm) }).ToList();
        var totals = new ConcurrentDictionary<(string Name, int Repeat), long>();
        Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = System.Environment.ProcessorCount }, run =>
        {
            totals[run] = Instructions(folder, run.Name, run.Repeat, size, options);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0} x{1}: {2:N0} instructions", run.Name, run.Repeat, totals[run]));
        });
        var counts = names.ToDictionary(name => name, name => (totals[(name, 1 + warm)] - totals[(name, 1)]) / warm);
        var compile = (double)counts["compile"];
        var plainCompile = (double)counts["plain:compile"];
        Console.WriteLine();
        Console.WriteLine("| configuration | instructions (one warm run) | over baseline | over compile |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in names)
        {
            var plain = name.StartsWith("plain:", StringComparison.Ordinal);
            var overBaseline = plain || name is "compile" or "baseline" ? "" : Share(counts[name] - counts["baseline"], compile);
            var overCompile = name is "compile" or "plain:compile" ? "" : Share(counts[name] - counts[plain ? "plain:compile" : "compile"], plain ? plainCompile : compile);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1:N0} | {2} | {3} |", name, counts[name], overBaseline, overCompile));
        }
        var nanguard = counts["NanGuard"] - counts["baseline"];
        var whole = counts["NanGuard"] - counts["compile"];
        var peer = counts[Plants.PeerRule] - counts["compile"];
        var withoutTorch = counts["plain:NanGuard"] - counts["plain:idle"];
        Console.WriteLine();
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "NanGuard {0:0.000}% of compile over the baseline; {1:0.00}x the cost of {2} (each over compile); " +
            "without TorchSharp {3:+0.000;-0.000}% of compile over the idle analyzer (the host's price for any analyzer: {4:+0.000}%)",
            100 * nanguard / compile, (double)whole / Math.Max(1, peer), Plants.PeerRule,
            100 * withoutTorch / plainCompile, 100 * (counts["plain:idle"] - counts["plain:compile"]) / plainCompile));
        return 0;
    }

    private static string Share(long instructions, double of) =>
        string.Format(CultureInfo.InvariantCulture, "{0:N0} ({1:+0.000;-0.000}%)", instructions, 100 * instructions / of);

    private static long Instructions(string folder, string name, int repeat, string size, BenchmarkOptions options)
    {
        var output = Path.Combine(folder, $"{name.Replace(':', '-')}.{repeat}.out");
        var start = new ProcessStartInfo("valgrind") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "--tool=callgrind", "--callgrind-out-file=" + output })
            start.ArgumentList.Add(argument);
        // Run the same program the way this one was started: the dotnet host with the dll, or the apphost.
        var host = System.Environment.ProcessPath!;
        start.ArgumentList.Add(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(Callgrind).Assembly.Location);
        foreach (var argument in new[] { "--callgrind-child", name, "--repeat", repeat.ToString(CultureInfo.InvariantCulture),
                     "--sizes", size, "--seed", options.Seed.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        if (options.Sdk is not null)
        {
            start.ArgumentList.Add("--sdk");
            start.ArgumentList.Add(options.Sdk);
        }
        foreach (var (key, value) in Environment)
            start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new BenchmarkFailure("cannot start valgrind");
        var log = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(output))
            throw new BenchmarkFailure($"callgrind run of {name} failed (exit {process.ExitCode}):\n{string.Join("\n", log.Split('\n').TakeLast(15))}");
        var totals = File.ReadLines(output).LastOrDefault(l => l.StartsWith("totals:", StringComparison.Ordinal) || l.StartsWith("summary:", StringComparison.Ordinal))
            ?? throw new BenchmarkFailure($"no totals in {output}");
        return long.Parse(totals.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
