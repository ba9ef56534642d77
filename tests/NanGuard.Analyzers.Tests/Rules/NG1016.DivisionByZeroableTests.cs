using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DivisionByZeroableAnalyzer,
    NanGuard.CodeFixes.Rules.DivisionByZeroableCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class DivisionByZeroableTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Non_negative_divisors_are_clamped_to_eps() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x / x.abs().max()|];
                Tensor B(Tensor x) => [|(x - x.min()) / (x.max() - x.min())|];
                Tensor D(Tensor x, Tensor y) => [|x / y.norm()|];
                Tensor E(Tensor x, Tensor y) => [|x / torch.std(y)|];
                Tensor G(Tensor x, Tensor y) => [|x / F.relu(y)|];
                Tensor H(Tensor x, Tensor y)
                {
                    // An exp is 0 only below about -104: not reported.
                    var scale = y.exp();
                    return x / scale;
                }
                Tensor I(Tensor x) => [|x / x.amax(new long[] { 1 }, keepdim: true).sub(x.amin(new long[] { 1 }, keepdim: true))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => x / x.abs().max().clamp_min(1e-8);
                Tensor B(Tensor x) => (x - x.min()) / (x.max() - x.min()).clamp_min(1e-8);
                Tensor D(Tensor x, Tensor y) => x / y.norm().clamp_min(1e-8);
                Tensor E(Tensor x, Tensor y) => x / torch.clamp_min(torch.std(y), 1e-8);
                Tensor G(Tensor x, Tensor y) => x / torch.clamp_min(F.relu(y), 1e-8);
                Tensor H(Tensor x, Tensor y)
                {
                    // An exp is 0 only below about -104: not reported.
                    var scale = y.exp();
                    return x / scale;
                }
                Tensor I(Tensor x) => x / x.amax(new long[] { 1 }, keepdim: true).sub(x.amin(new long[] { 1 }, keepdim: true)).clamp_min(1e-8);
            }
            """);

    [Fact]
    public Task A_count_of_nonzero_elements_is_clamped_to_one() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x.sum() / x.count_nonzero()|];
                Tensor B(Tensor x) => [|x.sum() / torch.count_nonzero(x)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => x.sum() / x.count_nonzero().clamp_min(1);
                Tensor B(Tensor x) => x.sum() / torch.clamp_min(torch.count_nonzero(x), 1);
            }
            """);

    [Fact]
    public async Task The_message_names_the_cause_severity_is_info_and_members_are_followed()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.Linear head = nn.Linear(4, 1);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => {|#0:x / head.call(x)|};
            }

            class C
            {
                private static Tensor {|#2:Spread|}(Tensor x) => x.max() - x.min();
                Tensor A(Tensor x) => {|#1:x / Spread(x)|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("the divisor is an unbounded layer output, which can be 0, where the quotient is inf or NaN; no automatic fix: the divisor can be negative, where a clamp from below would change its value; NanGuard.Runtime's StableOps.safe_div keeps its sign"),
            Verify.Diagnostic().WithLocation(1).WithLocation(2).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("the divisor is a range max - min (0 for constant values) (returned by C.Spread), which can be 0, where the quotient is inf or NaN; clamp it with clamp_min(1e-8)"));
    }

    [Fact]
    public Task A_signed_divisor_gets_no_fix_without_the_runtime() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => [|x / torch.nn.functional.linear(x, w)|];
                Tensor B(Tensor x) => [|x / (x > 0)|];
            }
            """);

    [Fact]
    public async Task With_the_runtime_a_signed_divisor_is_divided_by_safe_div()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = NanGuard.CodeFixes.Rules.DivisionByZeroableCodeFix.StableOpEquivalenceKey;
        test.TestCode = Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => [|x / F.linear(x, w)|];
                Tensor B(Tensor x, Tensor y) => [|x / y.norm()|];
            }
            """;
        test.FixedCode = "using NanGuard.Runtime;\n" + Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => StableOps.safe_div(x, F.linear(x, w), 1e-8);
                Tensor B(Tensor x, Tensor y) => StableOps.safe_div(x, y.norm(), 1e-8);
            }
            """;
        await test.RunAsync();
    }

    [Fact]
    public Task The_eps_option_changes_the_fix() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => [|x / y.relu()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => x / y.relu().clamp_min(1e-5);
            }
            """, editorConfig: "nanguard.eps = 1e-5");

    [Fact]
    public async Task Using_static_and_fully_qualified_forms_lambdas_and_local_functions()
    {
        await Verify.VerifyCodeFixAsync("""
            using System;
            using static TorchSharp.torch;

            class C
            {
                Func<Tensor, Tensor> f = x => [|x / abs(x)|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => [|x / TorchSharp.torch.nn.functional.relu(x)|];
                Tensor D(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|y / y.abs().max()|];
                    return Inner(x);
                }
            }
            """, """
            using System;
            using static TorchSharp.torch;

            class C
            {
                Func<Tensor, Tensor> f = x => x / clamp_min(abs(x), 1e-8);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => x / TorchSharp.torch.clamp_min(TorchSharp.torch.nn.functional.relu(x), 1e-8);
                Tensor D(Tensor x)
                {
                    Tensor Inner(Tensor y) => y / y.abs().max().clamp_min(1e-8);
                    return Inner(x);
                }
            }
            """);
    }

    [Fact]
    public Task Cases_of_older_rules_and_safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // NG1011, NG1012, NG1013 and NG1006 own these.
                Tensor A(Tensor x) => x / x.norm(1, keepdim: true);
                Tensor B(Tensor x) => (x - x.mean()) / x.std();
                Tensor D(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum();
                Tensor E(Tensor x) => x / F.relu(x).sum();
                Tensor G(Tensor x) => torch.exp(x) / torch.exp(x).sum(1, keepdim: true);
                // Guarded, bounded away from 0, or nothing known.
                Tensor H(Tensor x, Tensor y) => x / y.relu().clamp_min(1e-8);
                Tensor I(Tensor x, Tensor y) => x / (y.abs() + 1e-6);
                Tensor J(Tensor x, Tensor y) => x / y;
                Tensor K(Tensor x) => x / 2;
                Tensor L(Tensor x, Tensor y) => x / (1 - y);
                Tensor M(Tensor x, Tensor y) => x / (y.max() - x.min());
                Tensor N(Tensor x) => x / (x.max(1).values - x.min());
                Tensor O(Tensor x, Tensor y) => x / y.exp().clamp_min(1e-6);
                Tensor P(Tensor x, Tensor y) => y.norm().item<float>() > 0 ? x / y.norm() : x;
                Tensor Q(Tensor x) => x / x.amax(new long[] { 1 }).sub(x.amin(new long[] { 0 }));
                Tensor R(Tensor x, Tensor y)
                {
                    var s = y.std();
                    if (s.item<float>() == 0)
                        return x;
                    return x / s;
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
                        public Tensor relu() => this; public Tensor max() => this;
                        public static Tensor operator /(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x / x.relu() / x.max();
            }
            """;
        test.TestCode = source;
        test.FixedCode = source;
        await test.RunAsync();
    }
}
