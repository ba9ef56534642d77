using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;

namespace NanGuard.Analyzers.Tests.Meta;

/// <summary>Every rule a user can meet is well formed and documented where its help link points.</summary>
public sealed class DescriptorTests
{
    public static IEnumerable<object[]> ShippedDescriptors() =>
        new NanGuardRulesAnalyzer().SupportedDiagnostics.Select(d => new object[] { d.Id });

    private static DiagnosticDescriptor Descriptor(string id) =>
        new NanGuardRulesAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);

    [Theory]
    [MemberData(nameof(ShippedDescriptors))]
    public void Descriptor_is_well_formed(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Matches(new Regex("^NG[123][0-9]{3}$"), descriptor.Id);
        Assert.StartsWith("NanGuard.", descriptor.Category);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        Assert.True(descriptor.IsEnabledByDefault);
    }

    [Theory]
    [MemberData(nameof(ShippedDescriptors))]
    public void Help_link_points_to_the_rule_page_which_exists(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Equal(Descriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        var page = RepositoryPaths.Combine("docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"{id} has no page at docs/rules/{id}.md");
        var text = File.ReadAllText(page);
        Assert.Contains("# " + id, text);
        foreach (var section in new[] { "## Cause", "## Why it yields NaN", "## How to fix", "## Options", "## How to suppress" })
            Assert.Contains(section, text);
    }

    [Theory]
    [MemberData(nameof(ShippedDescriptors))]
    public void Rule_is_tracked_in_the_unshipped_release_with_its_category_and_severity(string id)
    {
        var descriptor = Descriptor(id);
        var release = File.ReadAllLines(RepositoryPaths.Combine("src", "NanGuard.Analyzers", "AnalyzerReleases.Unshipped.md"));
        var row = release.SingleOrDefault(line => line.StartsWith(id + " ", System.StringComparison.Ordinal));
        Assert.NotNull(row);
        var cells = row!.Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
    }

    [Fact]
    public void Each_id_is_reported_by_exactly_one_rule_class()
    {
        var owners = NanGuardRulesAnalyzer.Catalog
            .SelectMany(rule => rule.SupportedDiagnostics.Select(d => (d.Id, Rule: rule.GetType().Name)))
            .GroupBy(x => x.Id)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key + ": " + string.Join(", ", g.Select(x => x.Rule)));
        Assert.Empty(owners);
    }

    [Fact]
    public void Every_rule_class_runs_in_the_analyzer_the_compiler_loads()
    {
        var ruleTypes = typeof(NanGuardRulesAnalyzer).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(NanGuard.Analyzers.Infrastructure.NanGuardAnalyzer)) && !t.IsAbstract && t != typeof(NanGuardRulesAnalyzer))
            .ToList();
        Assert.NotEmpty(ruleTypes);
        Assert.Equal(ruleTypes.Count, NanGuardRulesAnalyzer.Catalog.Length);
        Assert.All(ruleTypes, t => Assert.Null(t.GetCustomAttribute<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerAttribute>()));
        Assert.NotNull(typeof(NanGuardRulesAnalyzer).GetCustomAttribute<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzerAttribute>());
    }
}
