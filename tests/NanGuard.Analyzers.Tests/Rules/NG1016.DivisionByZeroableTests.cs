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
    public Task An_area_of_sides_clamped_at_zero_is_clamped_to_eps() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor lt, Tensor rb, Tensor x)
                {
                    var wh = (rb - lt).clamp(min: 0);
                    var area = wh[TensorIndex.Ellipsis, 0] * wh[TensorIndex.Ellipsis, 1];
                    return [|x / area|];
                }
                Tensor B(Tensor x, Tensor y) => [|x / y.clamp_min(0)|];
                Tensor D(Tensor x, Tensor w) => [|x / F.linear(x, w).clamp(0, 6)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor lt, Tensor rb, Tensor x)
                {
                    var wh = (rb - lt).clamp(min: 0);
                    var area = wh[TensorIndex.Ellipsis, 0] * wh[TensorIndex.Ellipsis, 1];
                    return x / area.clamp_min(1e-8);
                }
                Tensor B(Tensor x, Tensor y) => x / y.clamp_min(0).clamp_min(1e-8);
                Tensor D(Tensor x, Tensor w) => x / F.linear(x, w).clamp(0, 6).clamp_min(1e-8);
            }
            """);

    [Fact]
    public Task Clamps_above_zero_and_values_kept_from_zero_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor boxes, Tensor x) =>
                    x / ((boxes[TensorIndex.Ellipsis, 2] - boxes[TensorIndex.Ellipsis, 0]).clamp(min: 0) * boxes[TensorIndex.Ellipsis, 3].clamp(min: 0)).clamp_min(1e-6);
                Tensor B(Tensor x, Tensor y) => x / y.clamp_min(1e-6);
                Tensor D(Tensor x, Tensor y) => x / (y.clamp_min(0) + 1e-6);
                // A bound of 0 on the other side: the value is kept from nothing, 0 is not known to be reached.
                Tensor E(Tensor x, Tensor y) => x / y.clamp(min: -1);
            }
            """);

    [Fact]
    public Task The_size_of_a_boolean_selection_is_reported_without_a_fix_where_nothing_returns_before_it_is_0() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor d, Tensor label, int cls)
                {
                    var positives = d[label == cls];
                    return [|positives.sum() / positives.shape[0]|];
                }
                Tensor B(Tensor d, Tensor label) => [|d.sum() / d.masked_select(label > 0).size(0)|];
                Tensor D(Tensor d, Tensor mask) => [|d.sum() / d[mask].numel()|];
                Tensor E(Tensor d) => [|d.sum() / (d > 0.5).nonzero().shape[0]|];
                // Not reported: an empty selection returned from first.
                Tensor G(Tensor d, Tensor label)
                {
                    var negatives = d[label != 1];
                    if (negatives.shape[0] == 0)
                        return torch.zeros(1);
                    return negatives.sum() / negatives.shape[0];
                }
                // Nor positions, a one-hot, a slice, the whole tensor, another dim: not a count of what a mask selects.
                Tensor H(Tensor d, Tensor index) => d.sum() / d[index].shape[0];
                Tensor I(Tensor d, Tensor label) => d.sum() / d[F.one_hot(label)].shape[0];
                Tensor J(Tensor d) => d.sum() / d[TensorIndex.Slice(1, null)].shape[0];
                Tensor K(Tensor d) => d.sum() / d.shape[0];
                Tensor L(Tensor d, Tensor label) => d.sum() / d[label == 1].shape[1];
            }
            """);

    [Fact]
    public Task A_square_is_zero_only_where_its_input_can_be() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => [|x / y.relu().pow(2)|];
                Tensor B(Tensor x, Tensor y) => [|x / torch.pow(y, 2)|];
                Tensor D(Tensor x, Tensor y)
                {
                    var r = y.relu();
                    return [|x / (r * r)|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => x / y.relu().pow(2).clamp_min(1e-8);
                Tensor B(Tensor x, Tensor y) => x / torch.clamp_min(torch.pow(y, 2), 1e-8);
                Tensor D(Tensor x, Tensor y)
                {
                    var r = y.relu();
                    return x / (r * r).clamp_min(1e-8);
                }
            }
            """);

    [Fact]
    public Task A_private_parameter_a_call_leaves_out_takes_its_default() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // The default shift, 0, is taken by the first call: the divisor is a relu.
                private Tensor Ratio(Tensor x, double shift = 0) => [|x / (x.relu() + shift)|];
                Tensor A(Tensor x) => Ratio(x) + Ratio(x, 1e-6);
                // Every call keeps the default 1e-6, or passes one.
                private Tensor Safe(Tensor x, double shift = 1e-6) => x / (x.relu() + shift);
                Tensor B(Tensor x) => Safe(x) + Safe(x, 1e-3);
            }
            """);

    [Fact]
    public Task The_square_of_a_number_known_not_to_be_zero_is_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // The only call leaves lambda at its default, 3: the divisor is 9.
                private Tensor AngleWeight(Tensor logRatio, int lambda = 3) => torch.exp(-torch.pow(logRatio, 2) / torch.pow(lambda, 2));
                Tensor A(Tensor r) => AngleWeight(r);
                // Every call passes a constant other than 0.
                private Tensor Scaled(Tensor x, double sigma) => x / torch.pow(sigma, 2);
                Tensor B(Tensor x) => Scaled(x, 2.0) + Scaled(x, 0.5);
                // A public number squared: nothing known of it.
                public Tensor D(Tensor x, double sigma) => x / torch.pow(sigma, 2);
                // A value kept from 0 squared.
                Tensor E(Tensor x, Tensor y) => x / (y.relu() + 1e-3).pow(2);
                Tensor G(Tensor x, Tensor y)
                {
                    var s = y.abs().clamp_min(1e-3);
                    return x / (s * s);
                }
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
