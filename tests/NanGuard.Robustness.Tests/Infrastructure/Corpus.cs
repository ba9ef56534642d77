using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using NanGuard.Testing;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>A source the suite starts from, and where it came from.</summary>
public sealed record CorpusSource(string Origin, string Text);

/// <summary>
/// The inputs the suite starts from, gathered at run time so that every new rule's tests feed it: the test sources of
/// tests/NanGuard.Analyzers.Tests/Rules/*.cs (every raw string literal, with the constants it is concatenated with,
/// markup stripped), every samples/**/*.cs, the odd constructs of <see cref="OddConstructs"/>, and the kept
/// regression inputs.
/// </summary>
public static class Corpus
{
    private static readonly Lazy<IReadOnlyList<CorpusSource>> TestSourcesLazy = new(ReadTestSources);
    private static readonly Lazy<IReadOnlyList<CorpusSource>> SamplesLazy = new(ReadSamples);

    public static IReadOnlyList<CorpusSource> TestSources => TestSourcesLazy.Value;

    public static IReadOnlyList<CorpusSource> Samples => SamplesLazy.Value;

    /// <summary>Test sources, samples and odd constructs: the originals mutations start from.</summary>
    public static IReadOnlyList<CorpusSource> All =>
        TestSources.Concat(Samples).Concat(OddConstructs.All).Concat(Regressions.Inputs()).ToList();

    private static IReadOnlyList<CorpusSource> ReadTestSources()
    {
        var folder = RepositoryPaths.Combine("tests", "NanGuard.Analyzers.Tests", "Rules");
        var result = new List<CorpusSource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var index = 0;
            foreach (var literal in SourceLiterals(File.ReadAllText(file)))
            {
                index++;
                var text = StripMarkup(literal);
                if (LooksLikeCSharp(text) && seen.Add(text))
                    result.Add(new CorpusSource($"{Path.GetFileName(file)}#{index}", text));
            }
        }
        return result;
    }

    /// <summary>
    /// Every raw string literal in a test file, with the string constants it is concatenated with
    /// (<c>Usings + """..."""</c>): the compiler folds the constants for us, with whatever else in the file unresolved.
    /// </summary>
    public static IEnumerable<string> SourceLiterals(string testFile)
    {
        var tree = CSharpSyntaxTree.ParseText(testFile, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create("Literals", new[] { tree }, TestReferences.WithoutTorchSharp.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var model = compilation.GetSemanticModel(tree);
        var taken = new HashSet<SyntaxNode>();
        foreach (var literal in tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>())
        {
            if (!literal.Token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken) && !literal.Token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken))
                continue;
            ExpressionSyntax top = literal;
            while (top.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } sum
                   && model.GetConstantValue(sum) is { HasValue: true, Value: string })
                top = sum;
            if (!taken.Add(top))
                continue;
            yield return model.GetConstantValue(top) is { HasValue: true, Value: string folded } ? folded : literal.Token.ValueText;
        }
    }

    /// <summary>The source without its markup (Microsoft.CodeAnalysis.Testing's); where it is not valid markup, the text itself.</summary>
    public static string StripMarkup(string markup)
    {
        try
        {
            TestFileMarkupParser.GetSpans(markup, out string text, out ImmutableDictionary<string, ImmutableArray<TextSpan>> _);
            return text;
        }
        catch (ArgumentException)
        {
            return markup;
        }
    }

    private static bool LooksLikeCSharp(string text) =>
        text.Contains(';') || text.Contains("class ", StringComparison.Ordinal) || text.Contains("record ", StringComparison.Ordinal);

    private static IReadOnlyList<CorpusSource> ReadSamples()
    {
        var folder = RepositoryPaths.Combine("samples");
        if (!Directory.Exists(folder))
            return Array.Empty<CorpusSource>();
        return Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new CorpusSource("samples/" + Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToList();
    }
}
