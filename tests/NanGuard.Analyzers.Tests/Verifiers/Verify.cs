using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NanGuard.Analyzers.Tests.Verifiers;

/// <summary>Verifies one analyzer: <c>using Verify = AnalyzerVerifier&lt;LogOfSoftmaxAnalyzer&gt;;</c>.</summary>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>A test to configure (options, references, several files) before running it.</summary>
    public static VerifierTest Test() => new(new TAnalyzer(), codeFix: null);

    /// <summary>Checks that the analyzer reports exactly the diagnostics marked in <paramref name="source"/>.</summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAnalyzerAsync(string source, string? editorConfig = null)
    {
        var test = Test();
        test.TestCode = source;
        test.EditorConfig = editorConfig;
        await test.RunAsync();
        return test.ActualDiagnostics;
    }
}

/// <summary>Verifies an analyzer and its fix: <c>using Verify = CodeFixVerifier&lt;LogOfSoftmaxAnalyzer, LogOfSoftmaxCodeFix&gt;;</c>.</summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>A test to configure (options, references, several files) before running it.</summary>
    public static VerifierTest Test() => new(new TAnalyzer(), new TCodeFix());

    /// <summary>Checks the diagnostics marked in <paramref name="source"/>, with no fix applied.</summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAnalyzerAsync(string source, string? editorConfig = null)
    {
        var test = new VerifierTest(new TAnalyzer(), codeFix: null) { TestCode = source, EditorConfig = editorConfig };
        await test.RunAsync();
        return test.ActualDiagnostics;
    }

    /// <summary>Checks the diagnostics in <paramref name="source"/>, then that the fix, applied one at a time and as
    /// fix-all, produces <paramref name="fixedSource"/>, which compiles.</summary>
    public static Task VerifyCodeFixAsync(string source, string fixedSource, string? equivalenceKey = null, string? editorConfig = null)
    {
        var test = Test();
        test.TestCode = source;
        test.FixedCode = fixedSource;
        test.CodeActionEquivalenceKey = equivalenceKey;
        test.EditorConfig = editorConfig;
        return test.RunAsync();
    }

    /// <summary>Checks the diagnostics in <paramref name="source"/> and that the fix offers nothing for them.</summary>
    public static Task VerifyNoFixAsync(string source, string? editorConfig = null)
    {
        var test = Test();
        test.TestCode = source;
        test.EditorConfig = editorConfig;
        test.ExpectNoFix = true;
        return test.RunAsync();
    }
}
