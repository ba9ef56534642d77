using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using NanGuard.Analyzers;

namespace NanGuard.Docs;

/// <summary>One rule as the docs show it: what its descriptor declares, and whether a code fix is offered.</summary>
public sealed record RuleDoc(string Id, string Title, string Category, DiagnosticSeverity DefaultSeverity, bool HasCodeFix);

/// <summary>The shipped rules, read only through public surface, so renaming a rule's classes or files changes nothing here.</summary>
public static class RuleCatalog
{
    /// <summary>The assembly whose code fix providers say which ids have a fix; loaded by name, never by a type in it.</summary>
    public const string CodeFixesAssembly = "NanGuard.CodeFixes";

    /// <summary>Every descriptor the analyzer the compiler loads supports, ordered by id.</summary>
    public static IReadOnlyList<RuleDoc> Load()
    {
        var fixable = FixableIds(Assembly.Load(CodeFixesAssembly));
        return new NanGuardRulesAnalyzer().SupportedDiagnostics
            .Select(d => new RuleDoc(
                d.Id, d.Title.ToString(CultureInfo.InvariantCulture), d.Category, d.DefaultSeverity, fixable.Contains(d.Id)))
            .OrderBy(rule => rule.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The ids some non-abstract <see cref="CodeFixProvider"/> in <paramref name="fixes"/> can fix.</summary>
    public static ISet<string> FixableIds(Assembly fixes) =>
        fixes.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(CodeFixProvider)) && !type.IsAbstract)
            .SelectMany(type => ((CodeFixProvider)Activator.CreateInstance(type)!).FixableDiagnosticIds)
            .ToHashSet(StringComparer.Ordinal);
}
