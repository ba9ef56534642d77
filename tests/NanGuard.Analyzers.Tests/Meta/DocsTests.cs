using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NanGuard.Docs;
using NanGuard.Testing;
using Xunit;

namespace NanGuard.Analyzers.Tests.Meta;

/// <summary>
/// The README's rule table and the rule pages' headers are what tools/NanGuard.Docs writes from the descriptors,
/// and that generator keeps the hand-written text around them.
/// </summary>
public sealed class DocsTests
{
    private static readonly IReadOnlyList<RuleDoc> Rules = RuleCatalog.Load();

    [Fact]
    public void Readme_and_rule_pages_are_what_the_generator_writes()
    {
        var plan = DocsGenerator.Plan(DocsGenerator.ReadFiles(RepositoryPaths.Root), Rules);

        Assert.True(plan.Errors.Count == 0, string.Join("\n", plan.Errors));
        var stale = plan.Files.Where(f => f.IsStale).Select(f => f.Path).ToList();
        Assert.True(stale.Count == 0, $"stale: {string.Join(", ", stale)}; run: {DocsGenerator.Command}");
    }

    /// <summary>Checks the written table as a reader sees it, independently of how the generator renders it.</summary>
    [Fact]
    public void Rule_table_lists_every_shipped_rule_with_its_severity_and_fix()
    {
        var row = new Regex(@"^\| \[(NG\d{4})\]\(docs/rules/\1\.md\) \| ([^|]+) \| (\w+) \| (yes|no) \|$");
        var rows = File.ReadAllLines(RepositoryPaths.Combine("README.md"))
            .Select(line => row.Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups[1].Value, match => match.Groups);
        var shipped = new NanGuardRulesAnalyzer().SupportedDiagnostics;

        Assert.Equal(shipped.Select(d => d.Id).OrderBy(id => id), rows.Keys.OrderBy(id => id));
        foreach (var descriptor in shipped)
        {
            var cells = rows[descriptor.Id];
            var fix = Rules.Single(r => r.Id == descriptor.Id).HasCodeFix ? "yes" : "no";
            Assert.Equal(
                (descriptor.Id, descriptor.Title.ToString(), descriptor.DefaultSeverity.ToString(), fix),
                (descriptor.Id, cells[2].Value, cells[3].Value, cells[4].Value));
        }
    }

    [Fact]
    public void Catalog_tells_rules_with_a_fix_from_rules_without()
    {
        Assert.Contains(Rules, rule => rule.HasCodeFix);
        Assert.Contains(Rules, rule => !rule.HasCodeFix);
    }

    [Fact]
    public void Generating_twice_changes_nothing_and_keeps_every_page_body()
    {
        var files = DocsGenerator.ReadFiles(RepositoryPaths.Root);
        var once = DocsGenerator.Plan(files, Rules).Files.ToDictionary(f => f.Path, f => f.Generated);
        var twice = DocsGenerator.Plan(once, Rules);

        Assert.Empty(twice.Errors);
        Assert.All(twice.Files, file => Assert.False(file.IsStale, file.Path));
        Assert.All(once, file => Assert.EndsWith(AfterHeader(files[file.Key].Replace("\r\n", "\n")), file.Value));
    }

    [Fact]
    public void A_page_without_a_rule_and_a_rule_without_a_page_are_errors_naming_them()
    {
        var files = DocsGenerator.ReadFiles(RepositoryPaths.Root)
            .Where(file => file.Key != "docs/rules/NG1001.md")
            .Append(new("docs/rules/NG1999.md", "# NG1999: Gone\n\n## Cause\n"))
            .ToDictionary(file => file.Key, file => file.Value);

        var errors = DocsGenerator.Plan(files, Rules).Errors;

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, error => error.Contains("docs/rules/NG1999.md") && error.Contains("no rule NG1999"));
        Assert.Contains(errors, error => error.StartsWith("NG1001 has no page"));
    }

    [Fact]
    public void A_new_page_gets_its_header_above_its_first_section_and_keeps_the_rest()
    {
        var rule = new RuleDoc("NG1999", "A title", "NanGuard.Numerics", Microsoft.CodeAnalysis.DiagnosticSeverity.Info, HasCodeFix: false);

        var page = DocsGenerator.Page("# NG1999: old title\r\n\r\n## Cause\r\nText.\r\n", rule);

        Assert.StartsWith(DocsGenerator.Begin + "\n# NG1999: A title\n", page);
        Assert.Contains("| Default severity | Info |\n| Code fix | No |\n", page);
        Assert.EndsWith(DocsGenerator.End + "\n\n## Cause\nText.\n", page);
        Assert.Equal(page, DocsGenerator.Page(page, rule));
    }

    [Fact]
    public void A_paragraph_above_the_first_section_of_a_page_without_markers_is_an_error_not_lost()
    {
        var rule = new RuleDoc("NG1999", "A title", "NanGuard.Numerics", Microsoft.CodeAnalysis.DiagnosticSeverity.Info, HasCodeFix: false);

        var error = Assert.Throws<InvalidDataException>(() => DocsGenerator.Page("# NG1999: A title\n\nSome words.\n\n## Cause\n", rule));

        Assert.Contains("Some words.", error.Message);
    }

    private static string AfterHeader(string text) =>
        text.Contains(DocsGenerator.End) ? text[(text.IndexOf(DocsGenerator.End) + DocsGenerator.End.Length)..] : text[text.IndexOf("\n## ")..];
}
