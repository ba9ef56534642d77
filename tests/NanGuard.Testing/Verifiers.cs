using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace NanGuard.Testing;

/// <summary>
/// A NanGuard analyzer (and fix) test on Microsoft.CodeAnalysis.Testing: the framework checks the markup's diagnostics,
/// that the sources and the fixed sources compile, that no analyzer throws (AD0001), and the fix one at a time and as
/// fix-all in document, project and solution. NanGuard adds what a test compilation references (the real TorchSharp
/// by default, see <see cref="References"/>) and its language version.
/// </summary>
public sealed class NanGuardTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public NanGuardTest()
    {
        ReferenceAssemblies = TestReferences.Framework;
        SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var parseOptions = ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion);
            return solution.AddMetadataReferences(projectId, References.Additional).WithProjectParseOptions(projectId, parseOptions);
        });
    }

    /// <summary>What the sources reference beyond the framework: the real TorchSharp unless set otherwise.</summary>
    public TestReferences References { get; set; } = TestReferences.WithTorchSharp;

    /// <summary>The C# version of the sources.</summary>
    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

    /// <summary>The project's <c>.editorconfig</c>, one file above the sources, with <paramref name="lines"/> for <c>*.cs</c>.</summary>
    public static (string Path, string Content) EditorConfig(string lines) => ("/.editorconfig", "root = true\n\n[*.cs]\n" + lines + "\n");
}

/// <summary>
/// Verifies an analyzer and its fix: <c>using Verify = CodeFixVerifier&lt;LogOfSoftmaxAnalyzer, LogOfSoftmaxCodeFix&gt;;</c>.
/// Markup: <c>[|...|]</c> for the rule's diagnostic, <c>{|NG1001:...|}</c> for a named one, <c>{|#0:...|}</c> for a
/// location a <see cref="DiagnosticResult"/> refers to (<c>Verify.Diagnostic().WithLocation(0)</c>) where the
/// severity, the message or additional locations matter.
/// </summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>The rule's diagnostic, to locate and qualify.</summary>
    public static DiagnosticResult Diagnostic() => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic();

    /// <summary>The diagnostic <paramref name="id"/> of the analyzer, to locate and qualify.</summary>
    public static DiagnosticResult Diagnostic(string id) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

    /// <summary>A test to configure (options, references, several files) before running it.</summary>
    public static NanGuardTest<TAnalyzer, TCodeFix> Test() => new();

    /// <summary>Checks that the analyzer reports exactly the marked and the <paramref name="expected"/> diagnostics.</summary>
    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAnalyzerAsync(source, editorConfig: null, expected);

    /// <summary>As <see cref="VerifyAnalyzerAsync(string, DiagnosticResult[])"/>, with <c>.editorconfig</c> lines for <c>*.cs</c>.</summary>
    public static Task VerifyAnalyzerAsync(string source, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = Configure(Test(), source, editorConfig);
        test.ExpectedDiagnostics.AddRange(expected);
        // No FixedCode: the framework checks the diagnostics only.
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Checks the diagnostics in <paramref name="source"/>, then that the fix, one at a time and as fix-all,
    /// produces <paramref name="fixedSource"/> (whose markup marks what remains), which compiles.</summary>
    public static Task VerifyCodeFixAsync(string source, string fixedSource, string? equivalenceKey = null, string? editorConfig = null)
    {
        var test = Configure(Test(), source, editorConfig);
        test.FixedCode = fixedSource;
        test.CodeActionEquivalenceKey = equivalenceKey;
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Checks the diagnostics in <paramref name="source"/> and that the fix leaves it as it is (offers nothing).</summary>
    public static Task VerifyNoFixAsync(string source, string? editorConfig = null) =>
        VerifyCodeFixAsync(source, source, equivalenceKey: null, editorConfig);

    private static NanGuardTest<TAnalyzer, TCodeFix> Configure(NanGuardTest<TAnalyzer, TCodeFix> test, string source, string? editorConfig)
    {
        test.TestCode = source;
        if (editorConfig is not null)
            test.TestState.AnalyzerConfigFiles.Add(NanGuardTest<TAnalyzer, TCodeFix>.EditorConfig(editorConfig));
        return test;
    }
}

/// <summary>Verifies an analyzer whose rule has no fix: <c>using Verify = AnalyzerVerifier&lt;HighLearningRateAnalyzer&gt;;</c>.</summary>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>The rule's diagnostic, to locate and qualify.</summary>
    public static DiagnosticResult Diagnostic() => CodeFixVerifier<TAnalyzer, EmptyCodeFixProvider>.Diagnostic();

    /// <summary>The diagnostic <paramref name="id"/> of the analyzer, to locate and qualify.</summary>
    public static DiagnosticResult Diagnostic(string id) => CodeFixVerifier<TAnalyzer, EmptyCodeFixProvider>.Diagnostic(id);

    /// <summary>A test to configure (options, references, several files) before running it.</summary>
    public static NanGuardTest<TAnalyzer, EmptyCodeFixProvider> Test() => new();

    /// <summary>Checks that the analyzer reports exactly the marked and the <paramref name="expected"/> diagnostics.</summary>
    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        CodeFixVerifier<TAnalyzer, EmptyCodeFixProvider>.VerifyAnalyzerAsync(source, expected);

    /// <summary>As <see cref="VerifyAnalyzerAsync(string, DiagnosticResult[])"/>, with <c>.editorconfig</c> lines for <c>*.cs</c>.</summary>
    public static Task VerifyAnalyzerAsync(string source, string? editorConfig, params DiagnosticResult[] expected) =>
        CodeFixVerifier<TAnalyzer, EmptyCodeFixProvider>.VerifyAnalyzerAsync(source, editorConfig, expected);
}
