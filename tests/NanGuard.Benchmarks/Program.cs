using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Analyzers;

namespace NanGuard.Benchmarks;

/// <summary>The benchmark's command line (docs/performance.md).</summary>
internal sealed record BenchmarkOptions(
    double[] Sizes,
    int Rounds,
    int Seed,
    bool Quick,
    int FixSamples,
    bool SkipFixes,
    string? Sdk,
    string? CallgrindChild,
    int CallgrindRepeat,
    bool Callgrind,
    bool CallgrindPerRule,
    int CallgrindWarmRuns,
    bool FixesOnly)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var sizes = new[] { 1.0, 2.0, 4.0 };
        int rounds = 5, seed = 20240606, fixSamples = 60, repeat = 1, warmRuns = 1;
        bool quick = false, skipFixes = false, callgrind = false, perRule = false, fixesOnly = false;
        string? sdk = null, child = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--sizes":
                    sizes = Value().Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--rounds":
                    rounds = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--fix-samples":
                    fixSamples = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--no-fixes":
                    skipFixes = true;
                    break;
                case "--fixes-only":
                    fixesOnly = true;
                    break;
                case "--sdk":
                    sdk = Value();
                    break;
                case "--quick":
                    quick = true;
                    sizes = new[] { 0.05 };
                    rounds = 1;
                    fixSamples = 10;
                    break;
                case "--callgrind":
                    callgrind = true;
                    break;
                case "--warm-runs":
                    warmRuns = Math.Max(1, int.Parse(Value(), CultureInfo.InvariantCulture));
                    break;
                case "--per-rule":
                    perRule = true;
                    break;
                case "--callgrind-child":
                    child = Value();
                    break;
                case "--repeat":
                    repeat = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}; see docs/performance.md");
            }
        }
        return new BenchmarkOptions(sizes, Math.Max(1, rounds), seed, quick, fixSamples, skipFixes, sdk, child, repeat, callgrind, perRule, warmRuns, fixesOnly);
    }
}

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        try
        {
            if (options.CallgrindChild is { } configuration)
                return Callgrind.RunChild(options, configuration);
            if (options.Callgrind)
                return Callgrind.Drive(options, args);
            return await new Benchmark(options).RunAsync();
        }
        catch (BenchmarkFailure failure)
        {
            Console.Error.WriteLine("BENCHMARK FAILED: " + failure.Message);
            return 1;
        }
    }
}

/// <summary>Everything a run compares: the configurations, and which ids each reports.</summary>
internal sealed class Setup
{
    public Setup(string? sdk)
    {
        Rules = NanGuardRulesAnalyzer.Catalog.Cast<DiagnosticAnalyzer>().ToImmutableArray();
        NanGuardIds = Rules.SelectMany(r => r.SupportedDiagnostics).Select(d => d.Id).ToImmutableHashSet(StringComparer.Ordinal);
        (Peer, PeerSource) = PeerAnalyzer.Load(sdk);
        Compile = new Configuration("compile", ImmutableArray<DiagnosticAnalyzer>.Empty);
        Baseline = new Configuration("baseline", ImmutableArray.Create<DiagnosticAnalyzer>(new BaselineAnalyzer()));
        Idle = new Configuration("idle", ImmutableArray.Create<DiagnosticAnalyzer>(new IdleAnalyzer()));
        NanGuard = new Configuration("NanGuard", ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer()));
        PeerConfiguration = Peer is null ? null : new Configuration(Plants.PeerRule, ImmutableArray.Create(Peer));
        PerRule = Rules.Select(rule => new Configuration(
                string.Join("+", rule.SupportedDiagnostics.Select(d => d.Id)) + " " + rule.GetType().Name,
                ImmutableArray.Create(rule)))
            .ToImmutableArray();
    }

    public ImmutableArray<DiagnosticAnalyzer> Rules { get; }
    public ImmutableHashSet<string> NanGuardIds { get; }
    public DiagnosticAnalyzer? Peer { get; }
    public string PeerSource { get; }
    public Configuration Compile { get; }
    public Configuration Baseline { get; }
    public Configuration Idle { get; }
    public Configuration NanGuard { get; }
    public Configuration? PeerConfiguration { get; }
    public ImmutableArray<Configuration> PerRule { get; }

    public bool Reports(string id) => NanGuardIds.Contains(id) || id == Plants.PeerRule && Peer is not null;

    public Corpus Generate(double size, int seed, bool torch)
    {
        var lines = (int)Math.Round(CorpusGenerator.BaseLines * size);
        var name = (torch ? "torch-" : "plain-") + SizeName(size);
        return CorpusGenerator.Generate(name, lines, seed, torch, entry => Reports(entry.Rule), Reports);
    }

    public static string SizeName(double size) => size.ToString("0.##", CultureInfo.InvariantCulture) + "x";

    /// <summary>The ids <paramref name="configuration"/> reports.</summary>
    public IEnumerable<string> IdsOf(Configuration configuration) =>
        configuration.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Where(Reports).Distinct();
}

/// <summary>The CPU-time benchmark: corpora, interleaved rounds, the table and the summary lines.</summary>
internal sealed class Benchmark
{
    private readonly BenchmarkOptions _options;
    private readonly Setup _setup;
    private readonly List<string> _table = new();
    private readonly List<string> _summaries = new();
    private readonly List<string> _verdicts = new();

    public Benchmark(BenchmarkOptions options)
    {
        _options = options;
        _setup = new Setup(options.Sdk);
    }

    public async Task<int> RunAsync()
    {
        var started = DateTime.UtcNow;
        Console.WriteLine($"NanGuard benchmark: {Environment.ProcessorCount} processor(s), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $".NET {Environment.Version}, Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}");
        Console.WriteLine($"NanGuard rules loaded: {string.Join(", ", _setup.NanGuardIds.OrderBy(i => i, StringComparer.Ordinal))}");
        Console.WriteLine($"Peer: {_setup.PeerSource}");
        var skipped = Plants.All.Where(e => !_setup.Reports(e.Rule)).Select(e => e.Rule).Distinct().ToArray();
        if (skipped.Length > 0)
            Console.WriteLine($"Plant entries skipped (rule not loaded): {string.Join(", ", skipped)}");
        if (_setup.Peer is null)
            throw new BenchmarkFailure("the peer rule could not be loaded: " + _setup.PeerSource);
        Console.WriteLine($"Seed {_options.Seed}, {_options.Rounds} interleaved round(s) after one warm-up, CPU time (process), medians.");
        Console.WriteLine();

        PlantCheck.CompileEveryEntry(_setup);

        var first = _options.FixesOnly
            ? _setup.Generate(_options.Sizes[0], _options.Seed, torch: true)
            : MeasureAnalyzers();

        string? fixSummary = null;
        if (!_options.SkipFixes)
            fixSummary = await new FixBenchmark(_setup, first, _options.FixSamples, Verdict).RunAsync();

        Console.WriteLine();
        Console.WriteLine("| corpus | lines | configuration | findings | CPU median (ms) | min-max (ms) | over baseline (ms) | % of compile |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var row in _table)
            Console.WriteLine(row);
        Console.WriteLine();
        foreach (var summary in _summaries)
            Console.WriteLine(summary);
        if (fixSummary is not null)
            Console.WriteLine(fixSummary);
        Console.WriteLine();
        foreach (var verdict in _verdicts)
            Console.WriteLine(verdict);
        Console.WriteLine($"Total time {(DateTime.UtcNow - started).TotalSeconds:0} s.");
        // Targets are reported, not enforced: a shared machine's noise must not fail CI; planted counts are enforced.
        return 0;
    }

    private void Verdict(string target, bool met, string detail) =>
        _verdicts.Add($"[{(met ? "met" : "MISSED")}] {target}: {detail}");

    private sealed class Measured
    {
        public Dictionary<Configuration, List<double>> Samples { get; } = new();
        public Dictionary<Configuration, ImmutableDictionary<string, int>> Findings { get; } = new();

        public double Median(Configuration configuration) => Stats.Median(Samples[configuration]);

        /// <summary>The median over rounds of the paired difference (both runs of a round see the same machine load).</summary>
        public double Cost(Configuration configuration, Configuration reference) =>
            Stats.Median(Samples[configuration].Zip(Samples[reference], (a, b) => a - b));
    }

    private Measured Measure(Corpus corpus, List<Configuration> configurations)
    {
        Console.WriteLine($"{corpus.Name}: {corpus.Files.Length} files, {corpus.Lines:N0} lines, planted {Describe(corpus.Planted)}");
        var compilation = Compiler.Create(corpus);
        var measured = new Measured();
        // Warm-up: every configuration once (JIT, caches), with every check.
        foreach (var configuration in configurations)
        {
            var run = Compiler.Run(configuration, compilation);
            Check(corpus, configuration, run);
            measured.Findings[configuration] = run.Findings;
            measured.Samples[configuration] = new List<double>();
        }
        for (var round = 0; round < _options.Rounds; round++)
        {
            foreach (var configuration in configurations)
                measured.Samples[configuration].Add(Compiler.Run(configuration, compilation).Cpu.TotalMilliseconds);
            Console.Write('.');
        }
        Console.WriteLine();
        var compile = measured.Median(_setup.Compile);
        foreach (var configuration in configurations)
        {
            var samples = measured.Samples[configuration];
            var findings = measured.Findings[configuration].Where(f => _setup.IdsOf(configuration).Contains(f.Key)).Sum(f => f.Value);
            var over = configuration.IsCompileOnly || configuration == _setup.Baseline
                ? "" : measured.Cost(configuration, _setup.Baseline).ToString("0", CultureInfo.InvariantCulture);
            var share = over.Length == 0 ? "" : (100 * measured.Cost(configuration, _setup.Baseline) / compile).ToString("0.00", CultureInfo.InvariantCulture) + "%";
            _table.Add(string.Format(CultureInfo.InvariantCulture, "| {0} | {1:N0} | {2} | {3} | {4:0} | {5:0}-{6:0} | {7} | {8} |",
                corpus.Name, corpus.Lines, configuration.Name, configuration.IsCompileOnly ? "" : findings.ToString(CultureInfo.InvariantCulture),
                Stats.Median(samples), samples.Min(), samples.Max(), over, share));
        }
        return measured;
    }

    /// <summary>A broken analyzer must fail the benchmark: every configuration reports exactly what was planted.</summary>
    private void Check(Corpus corpus, Configuration configuration, RunResult run)
    {
        if (configuration.IsCompileOnly)
        {
            if (!run.Errors.IsEmpty)
                throw new BenchmarkFailure($"{corpus.Name} does not compile: {run.Errors.Length} error(s):\n" +
                    string.Join("\n", run.Errors.Select(e => e.GetMessage(CultureInfo.InvariantCulture)).Distinct().Take(10)));
            return;
        }
        foreach (var id in _setup.IdsOf(configuration))
        {
            var expected = corpus.Planted.TryGetValue(id, out var e) ? e : 0;
            var actual = run.Findings.TryGetValue(id, out var a) ? a : 0;
            if (expected != actual && Environment.GetEnvironmentVariable("NANGUARD_BENCH_DEBUG") is not null)
            {
                foreach (var file in corpus.Files.Where(f => f.Text.Contains("Planted" + id, StringComparison.Ordinal)).Take(2))
                    Console.WriteLine(file.Name + "\n" + file.Text.Substring(file.Text.IndexOf("Planted" + id, StringComparison.Ordinal) - 30));
            }
            if (expected != actual)
                throw new BenchmarkFailure($"{configuration.Name} on {corpus.Name}: {actual} {id} finding(s), {expected} planted");
        }
    }

    /// <summary>The analyzer measurements: each size, per rule on the first, the corpus without TorchSharp, the growth.</summary>
    /// <returns>The first size's corpus, for the code fixes.</returns>
    private Corpus MeasureAnalyzers()
    {
        var costs = new Dictionary<double, (double Cost, double Compile, int Lines)>();
        Corpus? first = null;
        foreach (var size in _options.Sizes)
        {
            var corpus = _setup.Generate(size, _options.Seed, torch: true);
            first ??= corpus;
            var configurations = new List<Configuration> { _setup.Compile, _setup.Baseline, _setup.NanGuard, _setup.PeerConfiguration! };
            if (size == _options.Sizes[0])
                configurations.AddRange(_setup.PerRule);
            var result = Measure(corpus, configurations);
            costs[size] = (result.Cost(_setup.NanGuard, _setup.Baseline), result.Median(_setup.Compile), corpus.Lines);
            Summarise(corpus, result);
        }
        {
            var size = _options.Sizes[0];
            var plain = _setup.Generate(size, _options.Seed, torch: false);
            var result = Measure(plain, new List<Configuration> { _setup.Compile, _setup.Idle, _setup.Baseline, _setup.NanGuard, _setup.PeerConfiguration! });
            SummarisePlain(plain, result);
        }
        if (_options.Sizes.Length > 1)
        {
            var small = _options.Sizes.Min();
            var large = _options.Sizes.Max();
            var (c1, k1, l1) = costs[small];
            var (c4, k4, l4) = costs[large];
            var growth = c4 / c1;
            var lines = (double)l4 / l1;
            _summaries.Add(string.Format(CultureInfo.InvariantCulture,
                "growth {0} -> {1}: NanGuard cost x{2:0.00} for x{3:0.00} lines (compile x{4:0.00})",
                Setup.SizeName(small), Setup.SizeName(large), growth, lines, k4 / k1));
            Verdict("growth no worse than linear", growth <= lines * 1.15 || c4 / k4 <= 0.01,
                string.Format(CultureInfo.InvariantCulture, "x{0:0.00} cost for x{1:0.00} lines (share of compile {2:0.00}% -> {3:0.00}%)", growth, lines, 100 * c1 / k1, 100 * c4 / k4));
        }
        return first!;
    }

    private void Summarise(Corpus corpus, Measured result)
    {
        var compile = result.Median(_setup.Compile);
        var cost = result.Cost(_setup.NanGuard, _setup.Baseline);
        // Against the peer, each analyzer's whole cost over compiling without it: CA2242 asks for fewer operation
        // kinds than the baseline, so a cost over the baseline would understate it.
        var whole = result.Cost(_setup.NanGuard, _setup.Compile);
        var peer = result.Cost(_setup.PeerConfiguration!, _setup.Compile);
        var share = 100 * cost / compile;
        var ratio = whole / Math.Max(peer, 1e-9);
        var perRule = _setup.PerRule.Where(result.Samples.ContainsKey)
            .Select(r => string.Format(CultureInfo.InvariantCulture, "{0} {1:+0;-0} ms", r.Name.Split(' ')[0], result.Cost(r, _setup.Baseline)))
            .ToArray();
        _summaries.Add(string.Format(CultureInfo.InvariantCulture,
            "{0} ({1:N0} lines, {2} findings): NanGuard {3:0.00}% of compile ({4:+0;-0} ms over baseline, compile {5:0} ms); " +
            "{6:0.00}x the cost of {7} (over compile: NanGuard {8:+0;-0} ms, {7} {9:+0;-0} ms){10}",
            corpus.Name, corpus.Lines, corpus.Planted.Where(p => _setup.NanGuardIds.Contains(p.Key)).Sum(p => p.Value),
            share, cost, compile, ratio, Plants.PeerRule, whole, peer,
            perRule.Length > 0 ? "; per rule: " + string.Join(", ", perRule) : ""));
        Verdict($"NanGuard <= 1% of compile ({corpus.Name})", share <= 1.0, share.ToString("0.00", CultureInfo.InvariantCulture) + "%");
        Verdict($"NanGuard <= 2x {Plants.PeerRule} ({corpus.Name})", whole <= 2 * Math.Max(peer, 0),
            string.Format(CultureInfo.InvariantCulture, "{0:+0;-0} ms vs {1:+0;-0} ms over compile ({2:0.00}x)", whole, peer, ratio));
    }

    private void SummarisePlain(Corpus corpus, Measured result)
    {
        var compile = result.Median(_setup.Compile);
        var overCompile = result.Cost(_setup.NanGuard, _setup.Compile);
        var overIdle = result.Cost(_setup.NanGuard, _setup.Idle);
        var host = result.Cost(_setup.Idle, _setup.Compile);
        var spread = Stats.Percentile(result.Samples[_setup.Compile], 0.9) - Stats.Percentile(result.Samples[_setup.Compile], 0.1);
        var noise = Math.Max(spread, 0.01 * compile);
        _summaries.Add(string.Format(CultureInfo.InvariantCulture,
            "{0} ({1:N0} lines, no TorchSharp): NanGuard {2:+0;-0} ms over the idle analyzer ({3:+0.00;-0.00}% of compile {4:0} ms, " +
            "compile's own spread {5:0} ms); {6:+0;-0} ms over no analyzer, of which the host's price for running any analyzer {7:+0;-0} ms",
            corpus.Name, corpus.Lines, overIdle, 100 * overIdle / compile, compile, spread, overCompile, host));
        Verdict($"no measurable cost without TorchSharp ({corpus.Name})", overIdle <= noise,
            string.Format(CultureInfo.InvariantCulture, "{0:+0;-0} ms over the idle analyzer, noise {1:0} ms", overIdle, noise));
    }

    private static string Describe(ImmutableDictionary<string, int> planted) =>
        planted.IsEmpty ? "nothing" : string.Join(", ", planted.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
