using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.Log1pExpm1Analyzer,
    NanGuard.CodeFixes.Rules.Log1pExpm1CodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class Log1pExpm1Tests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Log_of_one_plus_becomes_log1p() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(1 + x)|];
                Tensor B(Tensor x) => [|(x + 1.0).log()|];
                Tensor D(Tensor a, Tensor b) => [|(1 + a * b).log()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.log1p(x);
                Tensor B(Tensor x) => x.log1p();
                Tensor D(Tensor a, Tensor b) => (a * b).log1p();
            }
            """);

    [Fact]
    public Task Exp_minus_one_becomes_expm1() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.exp(x) - 1|];
                Tensor B(Tensor x) => [|x.exp() - 1.0|] + [|torch.log(1 + x)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.expm1(x);
                Tensor B(Tensor x) => x.expm1() + torch.log1p(x);
            }
            """);

    [Fact]
    public Task Using_static_fully_qualified_and_through_a_local() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x)
                {
                    var t = 1 + x;
                    return [|log(t)|];
                }
                Tensor B(Tensor x) => [|exp(x) - 1|];
                TorchSharp.torch.Tensor D(TorchSharp.torch.Tensor x) => [|TorchSharp.torch.log(1 + x)|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x)
                {
                    return log1p(x);
                }
                Tensor B(Tensor x) => expm1(x);
                TorchSharp.torch.Tensor D(TorchSharp.torch.Tensor x) => TorchSharp.torch.log1p(x);
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 3);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => [|torch.log(1 + fc.call(x))|];
            }

            class C
            {
                Func<Tensor, Tensor> f = x => [|x.exp() - 1|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|(1 + y).log()|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Hand_written_softplus_is_left_to_NG1007_and_safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.log(1 + torch.exp(x));
                Tensor B(Tensor x) => (x.exp() + 1).log();
                Tensor D(Tensor x)
                {
                    var e = torch.exp(x);
                    return torch.log(1 + e);
                }
                Tensor E(Tensor x) => torch.log1p(x) + torch.expm1(x);
                Tensor G(Tensor x) => torch.log(2 + x);
                Tensor H(Tensor x) => torch.exp(x) - 2;
                Tensor I(Tensor x) => 1 - torch.exp(x);
                Tensor J(Tensor x) => torch.log(1 - x);
                double K(double x) => System.Math.Log(1 + x) + System.Math.Exp(x) - 1;
            }
            """);

    [Fact]
    public Task Softplus_of_a_clamped_exponent_stays_NG1007s_case_but_a_clamped_log_of_one_plus_is_flagged() =>
        // NG1007 is silent on the first two (exp cannot overflow below 87), and the case is still its own: no log1p.
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x)
                {
                    var z = torch.clamp(x, -87, 87);
                    return torch.log(torch.exp(z) + 1);
                }
                Tensor B(Tensor x) => (1 + x.clamp(-20, 20).exp()).log();
                Tensor D(Tensor x) => [|torch.log(1 + x.clamp(0, 1))|];
            }
            """);

    [Fact]
    public async Task Severity_is_info_and_message_names_the_replacement()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => {|#0:torch.exp(x) - 1|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info).WithMessage("exp(x) - 1 loses precision near 0; use expm1(x)"));
    }

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
                        public Tensor exp() => this;
                        public Tensor log() => this;
                        public static Tensor operator +(int a, Tensor b) => b;
                        public static Tensor operator -(Tensor a, int b) => a;
                        public static Tensor operator +(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => (1 + x).log() + (x.exp() - 1);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
