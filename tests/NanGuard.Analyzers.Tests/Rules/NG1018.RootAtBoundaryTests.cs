using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.RootAtBoundaryAnalyzer,
    NanGuard.CodeFixes.Rules.RootAtBoundaryCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class RootAtBoundaryTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Bases_that_can_be_0_are_clamped_inside_the_root() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.sqrt(torch.exp(x))|];
                Tensor B(Tensor x)
                {
                    var c = torch.cos(x);
                    return [|torch.sqrt(1 - c * c)|];
                }
                Tensor D(Tensor x) => [|F.softplus(x).sqrt()|];
                Tensor E(Tensor x) => [|x.var(1).sqrt()|];
                Tensor G(Tensor x) => [|x.abs().pow(0.25)|];
                Tensor H(Tensor x) => [|torch.rsqrt(x.var())|];
                Tensor J(Tensor x) => [|F.relu(x).rsqrt()|];
                Tensor K(Tensor x) => [|x.clamp(min: 0).rsqrt()|];
                Tensor I(Tensor x)
                {
                    var s = 1 - x.sin().pow(2);
                    return [|s.sqrt()|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.sqrt(torch.exp(x).clamp_min(1e-8));
                Tensor B(Tensor x)
                {
                    var c = torch.cos(x);
                    return torch.sqrt((1 - c * c).clamp_min(1e-8));
                }
                Tensor D(Tensor x) => F.softplus(x).clamp_min(1e-8).sqrt();
                Tensor E(Tensor x) => x.var(1).clamp_min(1e-8).sqrt();
                Tensor G(Tensor x) => x.abs().clamp_min(1e-8).pow(0.25);
                Tensor H(Tensor x) => torch.rsqrt(x.var().clamp_min(1e-8));
                Tensor J(Tensor x) => F.relu(x).clamp_min(1e-8).rsqrt();
                Tensor K(Tensor x) => x.clamp(min: 0).clamp_min(1e-8).rsqrt();
                Tensor I(Tensor x)
                {
                    var s = 1 - x.sin().pow(2);
                    return s.clamp_min(1e-8).sqrt();
                }
            }
            """);

    [Fact]
    public async Task The_message_says_what_happens_at_the_boundary()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => {|#0:x.abs().sqrt()|};
                Tensor B(Tensor x) => {|#1:x.var().rsqrt()|};
                Tensor D(Tensor x, Tensor w) => {|#2:F.linear(x, w).pow(1.5)|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("sqrt of an abs, which can be 0, has an infinite gradient there; clamp the base with clamp_min(1e-8)"),
            Verify.Diagnostic().WithLocation(1).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("rsqrt of a variance (0 for constant values), which can be 0, is inf there; clamp the base with clamp_min(1e-8)"),
            Verify.Diagnostic().WithLocation(2).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("pow(x, 1.5) of an unbounded layer output, which can be negative, is NaN there; no automatic fix: the base is an unbounded layer output, negative for about half its inputs: a clamp would hide that; make it non-negative by construction (softplus, exp, a square)"));
    }

    [Fact]
    public Task Negative_bases_get_no_fix() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => [|torch.sqrt(F.linear(x, w))|];
                Tensor B(Tensor x) => [|(F.relu(x) - 1).pow(0.5)|];
            }
            """);

    [Fact]
    public async Task With_the_runtime_a_sqrt_can_become_safe_sqrt()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = NanGuard.CodeFixes.Rules.RootAtBoundaryCodeFix.StableOpEquivalenceKey;
        test.TestCode = Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.sqrt(x.abs())|];
            }
            """;
        test.FixedCode = "using NanGuard.Runtime;\n" + Usings + """
            class C
            {
                Tensor A(Tensor x) => StableOps.safe_sqrt(x.abs(), 1e-8);
            }
            """;
        await test.RunAsync();
    }

    [Fact]
    public Task The_eps_option_changes_the_fix() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x.abs().sqrt()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => x.abs().clamp_min(1e-6).sqrt();
            }
            """, editorConfig: "nanguard.eps = 1e-6");

    [Fact]
    public Task Lambdas_local_functions_and_using_static() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using static TorchSharp.torch;

            class C
            {
                Func<Tensor, Tensor> f = x => [|sqrt(exp(x))|];
                Tensor D(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|y.abs().sqrt()|];
                    return Inner(x);
                }
            }
            """, """
            using System;
            using static TorchSharp.torch;

            class C
            {
                Func<Tensor, Tensor> f = x => sqrt(exp(x).clamp_min(1e-8));
                Tensor D(Tensor x)
                {
                    Tensor Inner(Tensor y) => y.abs().clamp_min(1e-8).sqrt();
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Sums_of_squares_guarded_bases_and_other_powers_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // NG1010 owns the root of a sum of squares.
                Tensor A(Tensor x) => x.pow(2).sum(1).sqrt();
                // Kept from 0, an integer or large power, or nothing known.
                Tensor B(Tensor x) => (x.var(1) + 1e-5).sqrt();
                Tensor D(Tensor x) => x.abs().clamp_min(1e-8).sqrt();
                Tensor E(Tensor x) => F.relu(x).pow(2);
                // A relu's backward selects: the root's infinite gradient at its 0 never reaches x.
                Tensor M(Tensor x) => F.relu(x).sqrt();
                Tensor N(Tensor x) => x.relu().pow(0.5);
                // So does a clamp at 0's, a relu by another name.
                Tensor O(Tensor x) => x.clamp(min: 0).sqrt();
                Tensor P(Tensor x, Tensor y) => (x.clamp_min(0) * y.clamp_min(0)).sqrt();
                Tensor G(Tensor x) => F.relu(x).pow(1.5);
                Tensor H(Tensor x) => torch.sqrt(x);
                Tensor I(Tensor x) => x.pow(0.5);
                Tensor J(Tensor x) => torch.sqrt(1 - x);
                Tensor K(Tensor x)
                {
                    var c = torch.cos(x);
                    return torch.sqrt(2 - c * c);
                }
                Tensor L(Tensor x)
                {
                    var v = x.var();
                    if (v.item<float>() == 0)
                        return x;
                    return v.sqrt();
                }
            }
            """);

    [Fact]
    public async Task An_exponent_a_caller_passes_is_the_power_that_call_takes()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            static class Features
            {
                public static Tensor SpectralMagnitude(Tensor stft, double power = 1)
                {
                    var spectr = stft.pow(2).sum(-1);
                    if (power < 1)
                        spectr = {|#0:spectr.pow(power)|};
                    return spectr;
                }

                public static Tensor Magnitude(Tensor stft) => SpectralMagnitude(stft, power: {|#1:0.5|});
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("pow(x, power) with power 0.5 (as Features.Magnitude calls it) of a square, which can be 0, has an infinite gradient there; clamp the base with clamp_min(1e-8)"));
    }

    [Fact]
    public Task An_exponent_no_caller_passes_below_1_or_that_a_condition_keeps_out_is_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            static class Features
            {
                // Every call passes an integer, or leaves the default of 1.
                public static Tensor A(Tensor x, double power = 1) => x.abs().pow(power);
                public static Tensor UseA(Tensor x) => A(x) + A(x, 2);
                // 0.5 is passed, but the pow is taken only above 1, or only after an exit below 1.
                public static Tensor B(Tensor x, double power)
                {
                    if (power > 1)
                        return x.abs().pow(power);
                    return x;
                }
                public static Tensor D(Tensor x, double power)
                {
                    if (power < 1)
                        return x;
                    return x.abs().pow(power);
                }
                public static Tensor E(Tensor x, double power) => power >= 1 ? x.abs().pow(power) : x.abs();
                // 0.5 reaches the pow of a base kept from 0, or of a base nothing is known of.
                public static Tensor G(Tensor x, double power) => (x.abs() + 1e-6).pow(power);
                public static Tensor H(Tensor x, double power) => x.pow(power);
                // A condition that reads the power otherwise: nothing is claimed.
                public static Tensor I(Tensor x, double power) => System.Math.Abs(power) < 1 ? x.abs().pow(power) : x;
                public static Tensor UseAll(Tensor x) => B(x, 0.5) + D(x, 0.5) + E(x, 0.5) + G(x, 0.5) + H(x, 0.5) + I(x, 0.5);
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor { public Tensor sqrt() => this; public Tensor relu() => this; }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x.relu().sqrt();
            }
            """;
        test.TestCode = source;
        test.FixedCode = source;
        await test.RunAsync();
    }
}
