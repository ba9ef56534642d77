using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NanGuard.Benchmarks;

/// <summary>
/// Instruction counts under callgrind, for figures that must compare across runs and machines. Each configuration
/// runs in its own process under <c>valgrind --tool=callgrind</c>, once with the configuration run once and once with
/// it run twice (tiered compilation, tiered PGO and concurrent GC off, one processor); the difference is the
/// instructions of one warm run, without start-up, corpus generation or JIT.
/// </summary>
internal static class Callgrind
{
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["DOTNET_TieredCompilation"] = "0",
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_PROCESSOR_COUNT"] = "1",
    };

    /// <summary>Child: generate the corpus, run <paramref name="name"/> <c>--repeat</c> times, check the first run's findings.</summary>
    public static int RunChild(BenchmarkOptions options, string name)
    {
        var setup = new Setup(options.Sdk);
        var torch = !name.StartsWith("plain:", StringComparison.Ordinal);
        var configurationName = torch ? name : name["plain:".Length..];
        var configuration = new[] { setup.Compile, setup.Baseline, setup.NanGuard, setup.PeerConfiguration! }.Concat(setup.PerRule)
            .FirstOrDefault(c => c.Name.Split(' ')[0] == configurationName)
            ?? throw new ArgumentException($"unknown configuration {configurationName}");
        var corpus = setup.Generate(options.Sizes[0], options.Seed, torch);
        var compilation = Compiler.Create(corpus);
        for (var i = 0; i < options.CallgrindRepeat; i++)
        {
            var run = Compiler.Run(configuration, compilation);
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
        names.AddRange(setup.PerRule.Select(r => r.Name.Split(' ')[0]));
        names.AddRange(new[] { "plain:compile", "plain:NanGuard" });
        var folder = Path.Combine(Path.GetTempPath(), "nanguard-callgrind-" + System.Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var size = options.Sizes[0].ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"callgrind: corpus {Setup.SizeName(options.Sizes[0])}, seed {options.Seed}; environment " +
            string.Join(" ", Environment.Select(e => $"{e.Key}={e.Value}")));
        var counts = new Dictionary<string, long>();
        foreach (var name in names)
        {
            var once = Instructions(folder, name, 1, size, options);
            var twice = Instructions(folder, name, 2, size, options);
            counts[name] = twice - once;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0}: {1:N0} instructions", name, counts[name]));
        }
        var compile = (double)counts["compile"];
        Console.WriteLine();
        Console.WriteLine("| configuration | instructions (one warm run) | over baseline | % of compile |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in names)
        {
            var reference = name.StartsWith("plain:", StringComparison.Ordinal) ? "plain:compile" : "baseline";
            var over = name is "compile" or "baseline" or "plain:compile" ? (long?)null : counts[name] - counts[reference];
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1:N0} | {2} | {3} |", name, counts[name],
                over is null ? "" : over.Value.ToString("N0", CultureInfo.InvariantCulture) + (reference == "plain:compile" ? " (over compile)" : ""),
                over is null ? "" : (100 * over.Value / (reference == "plain:compile" ? counts["plain:compile"] : compile)).ToString("0.000", CultureInfo.InvariantCulture) + "%"));
        }
        var nanguard = counts["NanGuard"] - counts["baseline"];
        var peer = counts[Plants.PeerRule] - counts["baseline"];
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "NanGuard {0:0.000}% of compile; {1:0.00}x the cost of {2}; without TorchSharp {3:+0.000;-0.000}% of compile",
            100 * nanguard / compile, (double)nanguard / Math.Max(1, peer), Plants.PeerRule,
            100.0 * (counts["plain:NanGuard"] - counts["plain:compile"]) / counts["plain:compile"]));
        return 0;
    }

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
