using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Cli.Loading;

// The measurement on public TorchSharp code (tools/realcode/measure.sh runs it; docs/accuracy.md has the figures).
//   RealCode compile <folder>
//     Loads <folder> with the tool's own folder loader (as `nanguard check <folder>` does) and prints one
//     tab-separated line per .cs file: path relative to <folder>, lines, compiler errors, the most frequent error id.
//   RealCode table <results-folder> <repos.tsv> <judgements.tsv>
//     Joins each repository's report (<results>/<owner>+<name>.json) and compile report (.compile.tsv) with the
//     judgements and prints the tables in Markdown: repositories, findings per rule with their verdicts, findings per
//     repository, the precision of Warning findings, the findings nobody judged and the judgements no finding matches.
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["compile", var folder] => await Compile(folder).ConfigureAwait(false),
                ["table", var results, var repos, var judgements] => Table(results, repos, judgements),
                _ => Usage(),
            };
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException or FormatException)
        {
            Console.Error.WriteLine($"RealCode: {error.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: RealCode compile <folder> | RealCode table <results-folder> <repos.tsv> <judgements.tsv>");
        return 2;
    }

    private static async Task<int> Compile(string folder)
    {
        if (!Directory.Exists(folder))
            throw new IOException($"{folder} does not exist");
        folder = Path.GetFullPath(folder);
        var files = LooseFolderLoader.FindSourceFiles(folder);
        var torchSharp = TorchSharpLocator.Locate(TorchSharpLocator.PackagesFolder());
        using var workspace = new AdhocWorkspace();
        var solution = LooseFolderLoader.Load(workspace, folder, files, torchSharp.Reference);
        foreach (var project in solution.Projects)
        {
            var compilation = await project.GetCompilationAsync().ConfigureAwait(false);
            if (compilation is null)
                continue;
            var errors = compilation.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.IsInSource)
                .GroupBy(d => d.Location.SourceTree!.FilePath)
                .ToDictionary(g => g.Key, g => g.ToList());
            // Only the folder's own files: the loader adds a generated file of implicit global usings, which lies outside it.
            foreach (var tree in compilation.SyntaxTrees
                         .Where(t => !Path.GetRelativePath(folder, t.FilePath).StartsWith("..", StringComparison.Ordinal))
                         .OrderBy(t => t.FilePath, StringComparer.Ordinal))
            {
                errors.TryGetValue(tree.FilePath, out var found);
                var top = found?.GroupBy(d => d.Id).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key ?? "-";
                Console.WriteLine($"{Path.GetRelativePath(folder, tree.FilePath)}\t{tree.GetText().Lines.Count}\t{found?.Count ?? 0}\t{top}");
            }
        }
        return 0;
    }

    private sealed record Repo(string Name, string Commit, string Subfolder, string Description)
    {
        public string Key => Name.Replace('/', '+');
    }

    private sealed record Finding(string Repo, string Path, int Line, string Rule, string Severity, string Message);

    private sealed record Judgement(string Repo, string Path, int Line, string Rule, string Verdict, string Reason);

    private static readonly string[] Verdicts = { "real", "not-a-hazard", "unclear" };

    private static int Table(string results, string reposFile, string judgementsFile)
    {
        var repos = Rows(reposFile, 4).Select(r => new Repo(r[0], r[1], r[2], r[3])).ToList();
        var judgements = Rows(judgementsFile, 6).Select(ToJudgement).ToList();
        var byKey = new Dictionary<(string, string, int, string), Judgement>();
        foreach (var j in judgements)
        {
            if (!byKey.TryAdd((j.Repo, j.Path, j.Line, j.Rule), j))
                throw new FormatException($"{judgementsFile}: {j.Repo} {j.Path}:{j.Line} {j.Rule} is judged twice");
        }

        var findings = new List<Finding>();
        var compiled = new Dictionary<string, (int Files, int Lines, int Broken, bool Measured)>();
        var output = new StringBuilder();
        output.AppendLine("### Repositories").AppendLine();
        output.AppendLine("| repository | commit | checked | .cs files | lines | files with compile errors | Warning | Info |");
        output.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var repo in repos)
        {
            var report = Path.Combine(results, repo.Key + ".json");
            var compile = Path.Combine(results, repo.Key + ".compile.tsv");
            if (!File.Exists(report) || !File.Exists(compile))
            {
                output.AppendLine(CultureInfo.InvariantCulture, $"| {repo.Name} | {Short(repo.Commit)} | {repo.Subfolder} | not measured | | | | |");
                continue;
            }
            var mine = ReadReport(report, repo).ToList();
            findings.AddRange(mine);
            var files = File.ReadAllLines(compile).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
            var lines = files.Sum(f => int.Parse(f[1], CultureInfo.InvariantCulture));
            var broken = files.Count(f => f[2] != "0");
            output.AppendLine(CultureInfo.InvariantCulture,
                $"| {repo.Name} | {Short(repo.Commit)} | {repo.Subfolder} | {files.Count} | {lines} | {broken} | {mine.Count(f => f.Severity == "warning")} | {mine.Count(f => f.Severity == "info")} |");
        }

        var rules = findings.Select(f => f.Rule).Distinct().OrderBy(r => r, StringComparer.Ordinal).ToList();
        string VerdictOf(Finding f) => byKey.TryGetValue((f.Repo, f.Path, f.Line, f.Rule), out var j) ? j.Verdict : "unjudged";

        output.AppendLine().AppendLine("### Findings per rule").AppendLine();
        output.AppendLine("| rule | findings | Warning | Info | real | not a hazard | unclear | unjudged |");
        output.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var rule in rules.Append("all"))
        {
            var of = findings.Where(f => rule == "all" || f.Rule == rule).ToList();
            output.AppendLine(CultureInfo.InvariantCulture,
                $"| {rule} | {of.Count} | {of.Count(f => f.Severity == "warning")} | {of.Count(f => f.Severity == "info")} | {of.Count(f => VerdictOf(f) == "real")} | {of.Count(f => VerdictOf(f) == "not-a-hazard")} | {of.Count(f => VerdictOf(f) == "unclear")} | {of.Count(f => VerdictOf(f) == "unjudged")} |");
        }

        var warnings = findings.Where(f => f.Severity == "warning").ToList();
        var realWarnings = warnings.Count(f => VerdictOf(f) == "real");
        output.AppendLine().AppendLine("### Precision of Warning findings").AppendLine();
        output.AppendLine(warnings.Count == 0
            ? "No Warning findings."
            : string.Create(CultureInfo.InvariantCulture,
                $"{realWarnings} of {warnings.Count} Warning findings are real hazards ({100.0 * realWarnings / warnings.Count:F0}%); {warnings.Count(f => VerdictOf(f) == "not-a-hazard")} not a hazard, {warnings.Count(f => VerdictOf(f) == "unclear")} unclear, {warnings.Count(f => VerdictOf(f) == "unjudged")} unjudged."));
        foreach (var rule in rules)
        {
            var of = warnings.Where(f => f.Rule == rule).ToList();
            if (of.Count > 0)
                output.AppendLine(CultureInfo.InvariantCulture, $"- {rule}: {of.Count(f => VerdictOf(f) == "real")} of {of.Count} real");
        }

        output.AppendLine().AppendLine("### Findings per repository").AppendLine();
        output.AppendLine("| repository | " + string.Join(" | ", rules) + " |");
        output.AppendLine("|---|" + string.Concat(rules.Select(_ => "---:|")));
        foreach (var repo in repos)
        {
            var of = findings.Where(f => f.Repo == repo.Name).ToList();
            if (of.Count > 0)
                output.AppendLine($"| {repo.Name} | " + string.Join(" | ", rules.Select(r => Cell(of.Count(f => f.Rule == r)))) + " |");
        }

        var unjudged = findings.Where(f => VerdictOf(f) == "unjudged").ToList();
        output.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### Unjudged findings ({unjudged.Count})").AppendLine();
        foreach (var f in unjudged)
            output.AppendLine(CultureInfo.InvariantCulture, $"- {f.Repo}\t{f.Path}\t{f.Line}\t{f.Rule}\t{f.Severity}: {f.Message}");

        var seen = findings.Select(f => (f.Repo, f.Path, f.Line, f.Rule)).ToHashSet();
        var stale = judgements.Where(j => !seen.Contains((j.Repo, j.Path, j.Line, j.Rule))).ToList();
        output.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### Judgements no finding matches ({stale.Count})").AppendLine();
        foreach (var j in stale)
            output.AppendLine(CultureInfo.InvariantCulture, $"- {j.Repo}\t{j.Path}\t{j.Line}\t{j.Rule}\t{j.Verdict}: {j.Reason}");

        Console.Write(output.ToString());
        return 0;
    }

    private static string Cell(int count) => count == 0 ? "" : count.ToString(CultureInfo.InvariantCulture);

    private static string Short(string commit) => commit.Length > 10 ? commit[..10] : commit;

    /// <summary>
    /// The findings of one report, with paths relative to the repository's root. Older reports give paths relative to
    /// the checkouts folder (<c>owner+name/...</c>); the tool now gives them relative to the folder checked, so the
    /// repository's subfolder is put in front.
    /// </summary>
    private static IEnumerable<Finding> ReadReport(string report, Repo repo)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        foreach (var f in json.RootElement.GetProperty("findings").EnumerateArray())
        {
            var path = f.GetProperty("path").GetString()!.Replace('\\', '/');
            var prefix = repo.Key + "/";
            if (path.StartsWith(prefix, StringComparison.Ordinal))
                path = path[prefix.Length..];
            else if (repo.Subfolder != ".")
                path = repo.Subfolder.TrimEnd('/') + "/" + path;
            yield return new Finding(repo.Name, path, f.GetProperty("line").GetInt32(), f.GetProperty("id").GetString()!,
                f.GetProperty("severity").GetString()!, f.GetProperty("message").GetString()!);
        }
    }

    private static Judgement ToJudgement(string[] row)
    {
        if (!int.TryParse(row[2], NumberStyles.None, CultureInfo.InvariantCulture, out var line))
            throw new FormatException($"judgements: line '{row[2]}' is not a number ({string.Join(' ', row)})");
        if (!Verdicts.Contains(row[4]))
            throw new FormatException($"judgements: verdict '{row[4]}' is not one of {string.Join(", ", Verdicts)} ({string.Join(' ', row)})");
        return new Judgement(row[0], row[1], line, row[3], row[4], row[5]);
    }

    /// <summary>The tab-separated rows of <paramref name="file"/>, without comments ('#') and blank lines; each must have <paramref name="columns"/> columns.</summary>
    private static IEnumerable<string[]> Rows(string file, int columns)
    {
        foreach (var (line, number) in File.ReadAllLines(file).Select((l, i) => (l, i + 1)))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var row = line.Split('\t');
            if (row.Length != columns)
                throw new FormatException($"{file}:{number}: {row.Length} tab-separated columns, expected {columns}");
            yield return row;
        }
    }
}
