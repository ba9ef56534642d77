using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DivisionByZeroableSumAnalyzer,
    NanGuard.CodeFixes.Rules.DivisionByZeroableSumCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class DivisionByZeroableSumTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Counts_are_clamped_to_one() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor mask) => [|(x * mask).sum() / mask.sum()|];
                Tensor B(Tensor x) => [|x.sum() / (x > 0).sum()|];
                Tensor D(Tensor x, Tensor y) => [|x.sum(1) / x.eq(y).to_type(ScalarType.Float32).sum(1)|];
                Tensor E(Tensor x, Tensor padMask) => [|x.sum() / torch.sum(padMask)|] /* trivia */;
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum().clamp_min(1);
                Tensor B(Tensor x) => x.sum() / (x > 0).sum().clamp_min(1);
                Tensor D(Tensor x, Tensor y) => x.sum(1) / x.eq(y).to_type(ScalarType.Float32).sum(1).clamp_min(1);
                Tensor E(Tensor x, Tensor padMask) => x.sum() / torch.clamp_min(torch.sum(padMask), 1) /* trivia */;
            }
            """);

    [Fact]
    public Task A_count_of_matching_pairs_without_the_diagonal_is_clamped_to_one() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                // Each label compared with every label is 1 on the diagonal: without it, 0 for a label no other sample shares.
                Tensor A(Tensor x, Tensor labels)
                {
                    var n = labels.shape[0];
                    var positives = labels.unsqueeze(0).eq(labels.unsqueeze(1)).to(ScalarType.Float32) - torch.eye(n);
                    var count = torch.sum(positives, -1);
                    return [|torch.sum(x * positives, -1) / count|];
                }
                Tensor B(Tensor x, Tensor labels) =>
                    [|x.sum(1) / ((labels.unsqueeze(-1) == labels.unsqueeze(-2)).@float() - torch.eye(labels.shape[0])).sum(1)|];
            }
            """, Usings + """
            class C
            {
                // Each label compared with every label is 1 on the diagonal: without it, 0 for a label no other sample shares.
                Tensor A(Tensor x, Tensor labels)
                {
                    var n = labels.shape[0];
                    var positives = labels.unsqueeze(0).eq(labels.unsqueeze(1)).to(ScalarType.Float32) - torch.eye(n);
                    var count = torch.sum(positives, -1);
                    return torch.sum(x * positives, -1) / count.clamp_min(1);
                }
                Tensor B(Tensor x, Tensor labels) =>
                    x.sum(1) / ((labels.unsqueeze(-1) == labels.unsqueeze(-2)).@float() - torch.eye(labels.shape[0])).sum(1).clamp_min(1);
            }
            """);

    [Fact]
    public Task Pairs_kept_where_the_count_is_positive_the_identity_alone_and_a_comparison_of_two_tensors_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // The anchors with at least one positive only: n[n > 0] holds no 0.
                Tensor A(Tensor x, Tensor labels)
                {
                    var positives = labels.unsqueeze(0).eq(labels.unsqueeze(1)).to(ScalarType.Float32) - torch.eye(labels.shape[0]);
                    var count = torch.sum(positives, -1);
                    var kept = count > 0;
                    return torch.sum(x * positives, -1)[kept] / count[kept];
                }
                Tensor B(Tensor x, Tensor labels)
                {
                    var count = (labels.unsqueeze(0) == labels.unsqueeze(1)).@float().sum(1);
                    return x.sum(1)[0 < count] / count[0 < count];
                }
                // The identity's sum is its size; a comparison of two tensors, or one that is not reflexive, minus the
                // identity can be -1: nothing is known of its sum.
                Tensor D(Tensor x, long n) => x / torch.eye(n).sum(1);
                Tensor G(Tensor x, Tensor a, Tensor b) => x / ((a.unsqueeze(0) == b.unsqueeze(1)).@float() - torch.eye(a.shape[0])).sum(1);
                Tensor H(Tensor x, Tensor labels) => x / ((labels.unsqueeze(0) > labels.unsqueeze(1)).@float() - torch.eye(labels.shape[0])).sum(1);
            }
            """);

    // sum(x * w) / sum(w): a mean weighted by w (an event indicator, a mask passed in), 0 / 0 for a batch where every
    // weight is 0, whatever the weights are named.
    [Fact]
    public Task A_weighted_mean_of_unknown_weights_is_clamped_to_eps() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor score, Tensor cumulative, Tensor events)
                {
                    var observed = events.sum();
                    return [|-((score - cumulative) * events).sum() / observed|];
                }

                Tensor B(Tensor x, Tensor w) => [|torch.sum(w * x, 1) / torch.sum(w, 1)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor score, Tensor cumulative, Tensor events)
                {
                    var observed = events.sum();
                    return -((score - cumulative) * events).sum() / observed.clamp_min(1e-8);
                }

                Tensor B(Tensor x, Tensor w) => torch.sum(w * x, 1) / torch.clamp_min(torch.sum(w, 1), 1e-8);
            }
            """);

    // Not a weighted mean: another tensor's sum, a sum over other dims, a sum of terms added to the weights, weights the
    // engine knows are never all 0 (a softmax), or a divisor already kept from 0 (a clamp, a branch).
    [Fact]
    public Task Sums_that_are_not_the_weights_of_a_mean_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w, Tensor v) => (x * w).sum() / v.sum();
                Tensor B(Tensor x, Tensor w) => (x * w).sum(1) / w.sum();
                Tensor D(Tensor x, Tensor w) => (x + w).sum() / w.sum();
                Tensor E(Tensor x, Tensor z)
                {
                    var w = F.softmax(z, 0);
                    return (x * w).sum() / w.sum();
                }
                Tensor G(Tensor x, Tensor w) => (x * w).sum() / w.sum().clamp_min(1e-6);
                Tensor? H(Tensor x, Tensor w)
                {
                    var n = w.sum();
                    if (n.item<float>() == 0)
                        return null;
                    return (x * w).sum() / n;
                }
            }
            """);

    [Fact]
    public Task Relu_and_abs_sums_are_clamped_to_eps() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x / F.relu(x).sum(1, keepdim: true)|];
                Tensor B(Tensor x) => [|x / x.abs().sum()|];
                Tensor D(Tensor x)
                {
                    var total = torch.abs(x).sum();
                    return [|x / total|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => x / F.relu(x).sum(1, keepdim: true).clamp_min(1e-8);
                Tensor B(Tensor x) => x / x.abs().sum().clamp_min(1e-8);
                Tensor D(Tensor x)
                {
                    var total = torch.abs(x).sum();
                    return x / total.clamp_min(1e-8);
                }
            }
            """);

    [Fact]
    public Task The_eps_option_changes_the_fix() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x / x.relu().sum()|];
                Tensor B(Tensor x, Tensor mask) => [|x.sum() / mask.sum()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => x / x.relu().sum().clamp_min(1e-5);
                Tensor B(Tensor x, Tensor mask) => x.sum() / mask.sum().clamp_min(1);
            }
            """, editorConfig: "nanguard.eps = 1e-5");

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => [|x.sum() / sum(x > 0)|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => [|x / TorchSharp.torch.sum(TorchSharp.torch.nn.functional.relu(x))|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => x.sum() / clamp_min(sum(x > 0), 1);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => x / TorchSharp.torch.clamp_min(TorchSharp.torch.sum(TorchSharp.torch.nn.functional.relu(x)), 1e-8);
            }
            """);

    [Fact]
    public async Task Reported_as_info_inside_lambda_local_function_and_forward()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor x) => {|#0:x.sum() / (x != 0).sum()|};
            }

            class C
            {
                Func<Tensor, Tensor> f = x => {|#1:x / x.abs().sum()|};
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => {|#2:y / y.relu().sum()|};
                    return Inner(x);
                }
            }
            """,
            new DiagnosticResult("NG1013", DiagnosticSeverity.Info).WithLocation(0),
            new DiagnosticResult("NG1013", DiagnosticSeverity.Info).WithLocation(1),
            new DiagnosticResult("NG1013", DiagnosticSeverity.Info).WithLocation(2));
    }

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor mask) => x.sum() / mask.sum().clamp_min(1);
                Tensor B(Tensor x, Tensor mask) => x.sum() / (mask.sum() + 1e-8);
                Tensor D(Tensor x) => x / x.exp().sum(1, keepdim: true);
                Tensor E(Tensor x) => x / F.softmax(x, 1).sum();
                Tensor G(Tensor x, Tensor mask) => x.sum() / mask.sum().item<float>();
                Tensor H(Tensor x, Tensor y) => x.sum() / y.sum();
                Tensor I(Tensor x) => x / 5;
                Tensor J(Tensor x, Tensor mask) => x.sum() / torch.clamp_min(mask.sum(), 1);
                Tensor K(Tensor x)
                {
                    var n = (x > 0).sum();
                    n = n.clamp_min(1);
                    return x.sum() / n;
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
                        public Tensor sum() => this; public Tensor abs() => this;
                        public static Tensor operator /(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor mask) => x.sum() / mask.sum() / x.abs().sum();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }

    [Fact]
    public async Task With_the_runtime_referenced_the_stable_division_is_offered_too()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = NanGuard.CodeFixes.Rules.DivisionByZeroableSumCodeFix.StableOpEquivalenceKey;
        test.TestCode = Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor mask) => [|(x * mask).sum() / mask.sum()|];
            }
            """;
        test.FixedCode = "using NanGuard.Runtime;\n" + Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor mask) => StableOps.safe_div((x * mask).sum(), mask.sum());
            }
            """;
        await test.RunAsync();
    }
}
