using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Testing;

namespace NanGuard.Analyzers.Tests.Accuracy;

/// <summary>One program of the suite: a bug as its authors wrote it, or their fix.</summary>
public sealed record RealBugFile(string Name, string Id, string Title, bool IsFixed, string Text)
{
    private static readonly Regex Expect = new(@"//\s*expect:\s*(?<ids>NG\d{4}(\s*,\s*NG\d{4})*)\s*$");

    /// <summary>The header line <c>// &lt;label&gt;: text</c>, or null.</summary>
    public string? Header(string label) =>
        Text.Split('\n').Select(line => line.TrimEnd('\r').Trim())
            .TakeWhile(line => line.StartsWith("//", StringComparison.Ordinal))
            .Select(line => line.Substring(2).Trim())
            .Where(line => line.StartsWith(label + ":", StringComparison.Ordinal))
            .Select(line => line.Substring(label.Length + 1).Trim())
            .FirstOrDefault();

    /// <summary>The findings this file's <c>// expect:</c> markers ask for, one per marked line.</summary>
    public ImmutableArray<Expectation> Expectations =>
        Text.Split('\n').Select((line, index) => (Match: Expect.Match(line.TrimEnd('\r')), Line: index + 1))
            .Where(x => x.Match.Success)
            .Select(x => new Expectation(Name, x.Line,
                x.Match.Groups["ids"].Value.Split(',').Select(id => id.Trim()).ToImmutableArray()))
            .ToImmutableArray();
}

/// <summary>
/// A hazard the suite expects on a line. The first id is the rule whose scope it is; the others are ids that also
/// count as finding it (a hand-written cross entropy is found by NG1002 or by NG1001 on its log).
/// </summary>
public sealed record Expectation(string File, int Line, ImmutableArray<string> Ids)
{
    public string Rule => Ids[0];
}

/// <summary>A NanGuard diagnostic on a line of a file of the suite.</summary>
public sealed record Reported(string File, int Line, string Id);

/// <summary>One rule's figures on the suite.</summary>
public sealed record RuleScore(string Id, int Expected, int Found, int FalsePositives, int FixedFlagged)
{
    public int Missed => Expected - Found;
}

/// <summary>What NanGuard found in the suite, scored against its expectations.</summary>
public sealed record SuiteScore(
    ImmutableArray<RuleScore> Rules,
    ImmutableArray<Expectation> Missed,
    ImmutableArray<Reported> FalsePositives,
    ImmutableArray<Reported> FixedFindings)
{
    /// <summary>The fixed versions with a numerics finding, in name order.</summary>
    public ImmutableArray<string> FlaggedFixedFiles =>
        FixedFindings.Select(r => r.File).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToImmutableArray();

    public int Expected => Rules.Sum(r => r.Expected);
    public int Found => Rules.Sum(r => r.Found);

    /// <summary>Found over expected: 1 for an empty suite, which the suite's own test forbids.</summary>
    public double Recall => Expected == 0 ? 1 : (double)Found / Expected;

    /// <summary>
    /// Scores <paramref name="reported"/> against <paramref name="expectations"/>. An expectation is found when a
    /// diagnostic of one of its ids is on its line. A numerics finding (NG1xxx) in a bug program on no
    /// marked line is a false positive (one on a marked line points at the bug, but finds it only with one of the
    /// line's ids); any numerics finding in a fixed program flags that program. Findings of the training-loop and
    /// API rules count only where a bug expects them.
    /// </summary>
    public static SuiteScore Of(IReadOnlyCollection<RealBugFile> files, IReadOnlyCollection<Reported> reported)
    {
        var fixedFiles = files.Where(f => f.IsFixed).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var expectations = files.Where(f => !f.IsFixed).SelectMany(f => f.Expectations).ToList();
        var found = expectations.Where(e => reported.Any(r => r.File == e.File && r.Line == e.Line && e.Ids.Contains(r.Id))).ToHashSet();
        var numerics = reported.Where(r => r.Id.StartsWith("NG1", StringComparison.Ordinal)).ToList();
        var falsePositives = numerics
            .Where(r => !fixedFiles.Contains(r.File))
            .Where(r => !expectations.Any(e => e.File == r.File && e.Line == r.Line))
            .ToList();
        var fixedFindings = numerics.Where(r => fixedFiles.Contains(r.File)).ToList();

        var ids = expectations.Select(e => e.Rule).Concat(falsePositives.Select(r => r.Id)).Concat(fixedFindings.Select(r => r.Id))
            .Distinct().OrderBy(id => id, StringComparer.Ordinal);
        var rules = ids.Select(id => new RuleScore(
                id,
                expectations.Count(e => e.Rule == id),
                found.Count(e => e.Rule == id),
                falsePositives.Count(r => r.Id == id),
                fixedFindings.Count(r => r.Id == id)))
            .ToImmutableArray();
        return new SuiteScore(
            rules,
            expectations.Where(e => !found.Contains(e)).ToImmutableArray(),
            falsePositives.ToImmutableArray(),
            fixedFindings.ToImmutableArray());
    }
}

/// <summary>A program of the suite compiled and analyzed alone.</summary>
public sealed record AnalyzedFile(RealBugFile File, ImmutableArray<Diagnostic> Errors, ImmutableArray<Reported> Reported, ImmutableArray<Exception> AnalyzerExceptions);

/// <summary>
/// The suite of real numerical bugs in <c>tests/NanGuard.Analyzers.Tests/RealBugs</c>: each bug rewritten in TorchSharp
/// in its program's shape (<c>RBnnn.Name.Bug.cs</c>) beside its authors' fix (<c>RBnnn.Name.Fixed.cs</c>). The files
/// are data, not part of the test assembly; each is compiled alone against the real TorchSharp and analyzed with
/// every NanGuard rule.
/// </summary>
public static class RealBugSuite
{
    public static string Folder { get; } = RepositoryPaths.Combine("tests", "NanGuard.Analyzers.Tests", "RealBugs");

    private static readonly Regex FileName = new(@"^(?<id>RB\d{3})\.(?<title>[A-Za-z0-9]+)\.(?<kind>Bug|Fixed)\.cs$");

    /// <summary>Where a bug comes from: the header's <c>Source:</c> starts with one of these.</summary>
    public static readonly ImmutableArray<string> Sources = ImmutableArray.Create(
        "GRIST", "TF program bugs", "GitHub issue", "GitHub pull request");

    /// <summary>What goes wrong: the header's <c>Hazard:</c> is one of these.</summary>
    public static readonly ImmutableArray<string> Hazards = ImmutableArray.Create(
        "log of 0",
        "0 * log(0)",
        "exp overflow",
        "division by 0",
        "sqrt at 0",
        "acos at +-1",
        "softmax of an all -inf row",
        "epsilon erased by rounding",
        "unbiased std of one value",
        "NaN through where's gradient");

    /// <summary>The rules issue #24 adds, expected in the suite before they ship.</summary>
    public static readonly ImmutableDictionary<string, string> PlannedRules = new Dictionary<string, string>
    {
        ["NG1016"] = "Division by a value that can be 0 (planned, #24)",
        ["NG1017"] = "Exp of an unbounded model output (planned, #24)",
        ["NG1018"] = "Root or fractional power at 0 or below (planned, #24)",
        ["NG1019"] = "Softmax over a row masked entirely with -inf (planned, #24)",
        ["NG1020"] = "Epsilon erased by rounding (planned, #24)",
        ["NG1021"] = "Softmax per segment by hand (planned, #24)",
        ["NG1022"] = "Unbiased std or var over a dim of size 1 (planned, #24)",
    }.ToImmutableDictionary();

    private static readonly Lazy<Task<ImmutableArray<AnalyzedFile>>> Analyzed = new(AnalyzeAllAsync);

    /// <summary>Every file of the suite, in name order.</summary>
    public static ImmutableArray<RealBugFile> Load() =>
        Directory.GetFiles(Folder, "*.cs")
            .Select(path => Path.GetFileName(path))
            .OrderBy(name => name, StringComparer.Ordinal)
            .Select(name => (Name: name, Match: FileName.Match(name)))
            .Select(x => x.Match.Success
                ? new RealBugFile(x.Name, x.Match.Groups["id"].Value, x.Match.Groups["title"].Value,
                    x.Match.Groups["kind"].Value == "Fixed", File.ReadAllText(Path.Combine(Folder, x.Name)))
                : throw new InvalidOperationException(
                    $"{x.Name}: a real-bug file is named RBnnn.Name.Bug.cs or RBnnn.Name.Fixed.cs"))
            .ToImmutableArray();

    /// <summary>Every file compiled and analyzed, once per test run.</summary>
    public static Task<ImmutableArray<AnalyzedFile>> AnalyzeAsync() => Analyzed.Value;

    private static async Task<ImmutableArray<AnalyzedFile>> AnalyzeAllAsync()
    {
        var results = ImmutableArray.CreateBuilder<AnalyzedFile>();
        foreach (var file in Load())
        {
            var project = TestProject.Create(new[] { new TestSource(file.Name, file.Text) }, editorConfig: null, TestReferences.WithTorchSharp);
            var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer()));
            var reported = result.Diagnostics
                .Where(d => d.Id.StartsWith("NG", StringComparison.Ordinal))
                .Select(d => new Reported(file.Name, d.Location.GetLineSpan().StartLinePosition.Line + 1, d.Id))
                .ToImmutableArray();
            results.Add(new AnalyzedFile(file, TestProject.Errors(result.Compilation), reported, result.AnalyzerExceptions));
        }
        return results.ToImmutable();
    }

    /// <summary>The source collection a bug's <c>Source:</c> header names.</summary>
    public static string? SourceOf(RealBugFile bug) =>
        bug.Header("Source") is { } source ? Sources.FirstOrDefault(s => source.StartsWith(s, StringComparison.Ordinal)) : null;

    /// <summary>The generated part of docs/accuracy.md.</summary>
    public static string Render(IReadOnlyCollection<RealBugFile> files, SuiteScore score, IReadOnlyDictionary<string, string> titles)
    {
        var bugs = files.Where(f => !f.IsFixed).ToList();
        var text = new StringBuilder();
        string Line(string s) => s + "\n";
        string Percent(int found, int expected) =>
            expected == 0 ? "-" : (100.0 * found / expected).ToString("0", CultureInfo.InvariantCulture) + "%";

        text.Append(Line($"{bugs.Count} bugs, {score.Expected} expected findings, {files.Count(f => f.IsFixed)} fixed versions."));
        text.Append(Line(""));
        // A bug is found where every line it marks is; partly found where some are.
        var missedFiles = score.Missed.Select(m => m.File).ToHashSet(StringComparer.Ordinal);
        var partly = missedFiles.Count(file => score.Missed.Count(m => m.File == file) < bugs.Single(b => b.Name == file).Expectations.Length);
        text.Append(Line($"Bugs found (every marked line reported): {bugs.Count - missedFiles.Count} of {bugs.Count} ({Percent(bugs.Count - missedFiles.Count, bugs.Count)}); "
            + $"with at least one marked line reported: {bugs.Count - missedFiles.Count + partly} of {bugs.Count} ({Percent(bugs.Count - missedFiles.Count + partly, bugs.Count)})."));
        text.Append(Line(""));
        text.Append(Line("| source | bugs |"));
        text.Append(Line("|---|---|"));
        foreach (var source in Sources)
            text.Append(Line($"| {source} | {bugs.Count(b => SourceOf(b) == source)} |"));
        text.Append(Line(""));
        text.Append(Line("| hazard | bugs |"));
        text.Append(Line("|---|---|"));
        foreach (var hazard in Hazards.Where(h => bugs.Any(b => b.Header("Hazard") == h)))
            text.Append(Line($"| {hazard} | {bugs.Count(b => b.Header("Hazard") == hazard)} |"));
        text.Append(Line(""));
        text.Append(Line("| rule | title | expected | found | missed | recall | false positives | fixed versions flagged |"));
        text.Append(Line("|---|---|---|---|---|---|---|---|"));
        foreach (var rule in score.Rules)
        {
            var title = titles.TryGetValue(rule.Id, out var t) ? t : PlannedRules.TryGetValue(rule.Id, out var p) ? p : "";
            text.Append(Line($"| {rule.Id} | {title} | {rule.Expected} | {rule.Found} | {rule.Missed} | {Percent(rule.Found, rule.Expected)} | {rule.FalsePositives} | {rule.FixedFlagged} |"));
        }
        text.Append(Line($"| all | | {score.Expected} | {score.Found} | {score.Expected - score.Found} | {Percent(score.Found, score.Expected)} | {score.FalsePositives.Length} | {score.Rules.Sum(r => r.FixedFlagged)} |"));
        text.Append(Line(""));
        if (score.FixedFindings.IsEmpty)
        {
            text.Append(Line("No fixed version is flagged."));
        }
        else
        {
            text.Append(Line("Fixed versions flagged (false positives on the authors' own fixes):"));
            text.Append(Line(""));
            foreach (var group in score.FixedFindings.GroupBy(r => r.File))
                text.Append(Line($"- `{group.Key}`: " + string.Join(", ", group.Select(r => $"{r.Id} on line {r.Line}"))));
        }
        text.Append(Line(""));
        text.Append(Line("Missed, by bug:"));
        text.Append(Line(""));
        foreach (var group in score.Missed.GroupBy(m => m.File))
            text.Append(Line($"- `{group.Key}`: " + string.Join(", ", group.Select(m => $"line {m.Line} ({string.Join(" or ", m.Ids)})"))));
        if (!score.FalsePositives.IsEmpty)
        {
            text.Append(Line(""));
            text.Append(Line("False positives in the bug programs:"));
            text.Append(Line(""));
            foreach (var fp in score.FalsePositives)
                text.Append(Line($"- `{fp.File}` line {fp.Line}: {fp.Id}"));
        }
        return text.ToString();
    }
}
