using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CodeFixes;
using NanGuard.Testing;
using Xunit;

namespace NanGuard.Analyzers.Tests.Meta;

/// <summary>The README's rule table tells the truth: every shipped rule, its default severity, whether it has a fix.</summary>
public sealed class ReadmeTests
{
    private static readonly Regex Row = new(@"^\| \[(NG\d{4})\]\(docs/rules/\1\.md\) \| [^|]+ \| (\w+) \| (yes|no) \|$");

    [Fact]
    public void Rule_table_lists_every_shipped_rule_with_its_severity_and_fix()
    {
        var rows = File.ReadAllLines(RepositoryPaths.Combine("README.md"))
            .Select(line => Row.Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups[1].Value, match => (Severity: match.Groups[2].Value, Fix: match.Groups[3].Value == "yes"));
        var shipped = new NanGuardRulesAnalyzer().SupportedDiagnostics;
        var fixable = typeof(CodeFixes.NanGuardCodeFix).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CodeFixProvider)) && !t.IsAbstract)
            .SelectMany(t => ((CodeFixProvider)System.Activator.CreateInstance(t)!).FixableDiagnosticIds)
            .ToHashSet();

        Assert.Equal(shipped.Select(d => d.Id).OrderBy(id => id), rows.Keys.OrderBy(id => id));
        foreach (var descriptor in shipped)
        {
            Assert.Equal(descriptor.DefaultSeverity.ToString(), rows[descriptor.Id].Severity);
            Assert.True(fixable.Contains(descriptor.Id) == rows[descriptor.Id].Fix, $"README says {descriptor.Id} fix = {rows[descriptor.Id].Fix}");
        }
    }
}
