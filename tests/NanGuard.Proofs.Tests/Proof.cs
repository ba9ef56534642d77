using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NanGuard.Proofs.Tests;

/// <summary>
/// A rule's proof: its flagged snippet and the code its fix writes for it (by running the fixer, never by hand), both
/// compiled against the real TorchSharp into an assembly loaded in this process, whose <c>Snippet.Compute</c> runs on
/// real tensors.
/// </summary>
internal sealed class Proof
{
    /// <summary>What every snippet starts with: the usings of the rules' tests and pages.</summary>
    public const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private static int s_assemblies;

    private readonly MethodInfo _original;
    private readonly MethodInfo _fixed;

    private Proof(string originalSource, string fixedSource, MethodInfo original, MethodInfo @fixed)
    {
        OriginalSource = originalSource;
        FixedSource = fixedSource;
        _original = original;
        _fixed = @fixed;
    }

    public string OriginalSource { get; }
    public string FixedSource { get; }

    /// <summary>
    /// Runs <paramref name="analyzer"/> on <paramref name="snippet"/> (after <see cref="Usings"/>), asserts it reports
    /// exactly one <paramref name="ruleId"/>, applies the action <paramref name="fixer"/> offers under
    /// <paramref name="equivalenceKey"/>, and compiles and loads both sources.
    /// </summary>
    public static async Task<Proof> CreateAsync(
        DiagnosticAnalyzer analyzer, CodeFixProvider fixer, string ruleId, string equivalenceKey, string snippet,
        TestReferences? references = null)
    {
        references ??= TestReferences.WithTorchSharp;
        var source = Usings + snippet;
        var project = TestProject.Create(new[] { new TestSource("Snippet.cs", source) }, editorConfig: null, references);
        var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create(analyzer));
        AnalyzerRunner.AssertNoAnalyzerExceptions(result);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(ruleId, diagnostic.Id);

        var document = project.Documents.Single();
        var actions = ImmutableArray.CreateBuilder<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await fixer.RegisterCodeFixesAsync(context);
        var chosen = Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        var operations = await chosen.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        var fixedSource = (await changed.GetTextAsync()).ToString();
        Assert.NotEqual(source, fixedSource);

        return new Proof(source, fixedSource, Load(source, references), Load(fixedSource, references));
    }

    /// <summary>Runs the original and the fixed code on clones of <paramref name="inputs"/>.</summary>
    /// <param name="grad">Which inputs require a gradient (every floating input where null).</param>
    public (Outcome Original, Outcome Fixed) Run(Tensor[] inputs, bool[]? grad = null) =>
        (Outcome.Of(_original, inputs, grad), Outcome.Of(_fixed, inputs, grad));

    /// <summary>
    /// The ordinary-input check: the fixed code's value and gradients are the original's within
    /// <c>|fixed - original| &lt;= absolute + relative * |original|</c>, and both are finite.
    /// </summary>
    public void AssertAgree(Tensor[] inputs, double relative, double absolute, bool[]? grad = null)
    {
        var (original, @fixed) = Run(inputs, grad);
        original.AssertFinite("the original at ordinary inputs");
        @fixed.AssertFinite("the fixed code at ordinary inputs");
        Values.AssertClose(original.Value, @fixed.Value, relative, absolute, "value");
        Assert.Equal(original.Gradients.Length, @fixed.Gradients.Length);
        for (var i = 0; i < original.Gradients.Length; i++)
            Values.AssertClose(original.Gradients[i], @fixed.Gradients[i], relative, absolute, $"gradient of input {i}");
    }

    // Compiles one source to an in-memory assembly; loaded from bytes, it binds to the TorchSharp this process loaded.
    private static MethodInfo Load(string source, TestReferences references)
    {
        var name = "NanGuardProof" + Interlocked.Increment(ref s_assemblies);
        var compilation = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            references.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, "The snippet does not compile:\n" + source + "\n" + string.Join("\n",
            emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var assembly = Assembly.Load(image.ToArray());
        return assembly.GetType("Snippet", throwOnError: true)!.GetMethod("Compute", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException("The snippet has no public static Snippet.Compute.");
    }
}

/// <summary>
/// What one run computed, read back as doubles: the value, and the gradient of each input that required one, from the
/// backward of <c>sum(value * w)</c> with <c>w</c> seeded uniform in [0.5, 1.5) (a plain sum would hide a gradient
/// that sums to a constant, as a softmax's does). Gradients of inputs that required none are empty.
/// </summary>
internal sealed record Outcome(double[] Value, double[][] Gradients)
{
    public bool IsFinite => Value.All(double.IsFinite) && Gradients.All(g => g.All(double.IsFinite));

    public bool ValueHasNonFinite => !Value.All(double.IsFinite);

    public bool GradientHasNonFinite => !Gradients.All(g => g.All(double.IsFinite));

    public bool GradientHasNaN => Gradients.Any(g => g.Any(double.IsNaN));

    /// <summary>The gradient of the first input.</summary>
    public double[] Gradient => Gradients[0];

    public void AssertFinite(string what) =>
        Assert.True(IsFinite, $"{what}: value or gradient not finite: value [{Values.Show(Value)}], gradients "
            + string.Join("; ", Gradients.Select(g => "[" + Values.Show(g) + "]")));

    public static Outcome Of(MethodInfo compute, Tensor[] inputs, bool[]? grad)
    {
        using var scope = torch.NewDisposeScope();
        var clones = inputs.Select((input, i) =>
        {
            var clone = input.detach().clone();
            return (grad?[i] ?? clone.is_floating_point()) ? clone.requires_grad_(true) : clone;
        }).ToArray();
        Tensor value;
        try
        {
            value = (Tensor)compute.Invoke(null, clones.Cast<object>().ToArray())!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
        var values = Values.Of(value);
        if (value.requires_grad)
        {
            using var generator = new Generator(7);
            var weight = torch.rand(value.shape, ScalarType.Float64, generator: generator) + 0.5;
            (value.to_type(ScalarType.Float64) * weight).sum().backward();
        }
        return new Outcome(values, clones.Select(c => c.requires_grad && c.grad is { } g ? Values.Of(g) : Array.Empty<double>()).ToArray());
    }
}

/// <summary>Numbers out of tensors, and the tolerances of the proofs.</summary>
internal static class Values
{
    /// <summary>Float32 agreement where the fix keeps the value: relative 1e-5, absolute 1e-6.</summary>
    public const double Relative = 1e-5;
    public const double Absolute = 1e-6;

    public static double[] Of(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
    }

    public static void AssertClose(double[] expected, double[] actual, double relative, double absolute, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= absolute + relative * Math.Abs(expected[i]),
                $"{what}[{i}]: the original gives {expected[i]:R}, the fixed code {actual[i]:R} "
                + $"(tolerance {absolute} + {relative} * |original|)");
        }
    }

    /// <summary>Asserts <paramref name="actual"/> is <paramref name="expected"/> within the float32 tolerance.</summary>
    public static void AssertNear(double expected, double actual, string what, double relative = Relative, double absolute = Absolute) =>
        Assert.True(
            expected.Equals(actual) || Math.Abs(actual - expected) <= absolute + relative * Math.Abs(expected),
            $"{what}: expected {expected:R}, got {actual:R}");

    public static string Show(double[] values) => string.Join(", ", values.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>The inputs of the proofs: literal hazard values and seeded ordinary ones (float32).</summary>
internal static class Inputs
{
    public static Tensor Of(float[,] values) => torch.tensor(values);

    public static Tensor Of(params float[] values) => torch.tensor(values);

    /// <summary>Standard normal values times <paramref name="scale"/>, from a seeded generator.</summary>
    public static Tensor Randn(ulong seed, double scale, params long[] shape)
    {
        using var generator = new Generator(seed);
        using var raw = torch.randn(shape, generator: generator);
        return raw * scale;
    }

    /// <summary>Uniform values in [low, high), from a seeded generator.</summary>
    public static Tensor Uniform(ulong seed, double low, double high, params long[] shape)
    {
        using var generator = new Generator(seed);
        using var raw = torch.rand(shape, generator: generator);
        return raw * (high - low) + low;
    }
}
