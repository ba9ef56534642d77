using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.CompareWithNaNAnalyzer,
    NanGuard.CodeFixes.Rules.CompareWithNaNCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class CompareWithNaNTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using static TorchSharp.torch;

        """;

    [Fact]
    public async Task Equality_with_NaN_becomes_isnan()
    {
        var test = Verify.Test();
        test.TestCode = Usings + """
            class C
            {
                Tensor A(Tensor t) => {|#0:t == double.NaN|};
                Tensor B(Tensor t) => [|float.NaN == t|];
                Tensor D(Tensor t) => [|t.eq(double.NaN)|].any();
                Tensor E(Tensor t) => [|(t * 2).eq(target: float.NaN)|];
            }
            """;
        test.FixedCode = Usings + """
            class C
            {
                Tensor A(Tensor t) => t.isnan();
                Tensor B(Tensor t) => t.isnan();
                Tensor D(Tensor t) => t.isnan().any();
                Tensor E(Tensor t) => (t * 2).isnan();
            }
            """;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
            .WithMessage("comparing a tensor with NaN gives false everywhere; use isnan()"));
        await test.RunAsync();
    }

    [Fact]
    public Task NaN_through_a_constant_or_a_local_lambda_and_module_forward() =>
        Verify.VerifyCodeFixAsync(Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private const double Missing = double.NaN;
                public Net() : base("Net") { }

                public override Tensor forward(Tensor x)
                {
                    var nan = float.NaN;
                    Func<Tensor, Tensor> mask = v => [|v == Missing|];
                    Tensor Mask(Tensor v) => [|v.eq(nan)|];
                    return torch.where([|x == double.NaN|], mask(x), Mask(x));
                }
            }
            """, Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private const double Missing = double.NaN;
                public Net() : base("Net") { }

                public override Tensor forward(Tensor x)
                {
                    var nan = float.NaN;
                    Func<Tensor, Tensor> mask = v => v.isnan();
                    Tensor Mask(Tensor v) => v.isnan();
                    return torch.where(x.isnan(), mask(x), Mask(x));
                }
            }
            """);

    [Fact]
    public async Task Inequality_becomes_the_negation_of_isnan()
    {
        var test = Verify.Test();
        test.TestCode = Usings + """
            class C
            {
                Tensor A(Tensor t) => {|#0:t != double.NaN|};
                Tensor B(Tensor t) => [|t.ne(float.NaN)|];
                Tensor D(Tensor t) => [|float.NaN != t * 2|];
                Tensor E(Tensor t) => [|t.ne(target: double.NaN)|] & [|t == double.NaN|];
            }
            """;
        test.FixedCode = Usings + """
            class C
            {
                Tensor A(Tensor t) => t.isnan().logical_not();
                Tensor B(Tensor t) => t.isnan().logical_not();
                Tensor D(Tensor t) => (t * 2).isnan().logical_not();
                Tensor E(Tensor t) => t.isnan().logical_not() & t.isnan();
            }
            """;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0)
            .WithMessage("comparing a tensor with NaN gives true everywhere; use isnan() and negate it"));
        await test.RunAsync();
    }

    [Fact]
    public Task Other_comparisons_are_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(Tensor t, Tensor u, double d)
                {
                    var a = t == 0.0;
                    var b = t.eq(u);
                    var c = t != double.PositiveInfinity;
                    var e = d == double.NaN;
                    var f = t.lt(double.NaN);
                    var g = t.isnan();
                    var h = t.eq(d);
                    // Not NaN any more at the comparison.
                    var missing = double.NaN;
                    missing = 0;
                    var i = t == missing;
                    var j = t.ne(missing);
                }
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
                    public sealed class Tensor
                    {
                        public Tensor eq(double v) => this;
                        public static Tensor operator ==(Tensor t, double v) => t;
                        public static Tensor operator !=(Tensor t, double v) => t;
                        public override bool Equals(object? o) => false;
                        public override int GetHashCode() => 0;
                    }
                }
            }
            class C
            {
                object M(TorchSharp.torch.Tensor t) => (t == double.NaN, t.eq(double.NaN));
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
