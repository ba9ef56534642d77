using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.HandWrittenCrossEntropyAnalyzer,
    NanGuard.CodeFixes.Rules.HandWrittenCrossEntropyCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class HandWrittenCrossEntropyTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Total_sum_becomes_cross_entropy_with_sum_reduction() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => [|-(y * torch.log(F.softmax(x, 1))).sum()|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => F.cross_entropy(x, y, reduction: torch.nn.Reduction.Sum);
            }
            """);

    [Fact]
    public Task Sum_over_classes_then_mean_becomes_cross_entropy_with_its_default_mean() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => [|-(y * x.log_softmax(1)).sum(1).mean()|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => F.cross_entropy(x, y);
            }
            """);

    [Fact]
    public Task Negation_inside_and_product_either_way_round() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => [|(-(torch.log(x.softmax(1)) * y)).sum()|];
                Tensor B(Tensor x, Tensor y) => [|-(F.log_softmax(x, 1) * y).sum(dim: 1).mean()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => F.cross_entropy(x, y, reduction: torch.nn.Reduction.Sum);
                Tensor B(Tensor x, Tensor y) => F.cross_entropy(x, y);
            }
            """);

    [Fact]
    public Task One_hot_targets_pass_the_class_indices() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor logits, Tensor labels)
                {
                    var targets = F.one_hot(labels, 10);
                    var probabilities = F.softmax(logits, 1);
                    return [|-(targets * torch.log(probabilities)).sum()|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor logits, Tensor labels)
                {
                    return F.cross_entropy(logits, labels, reduction: torch.nn.Reduction.Sum);
                }
            }
            """);

    [Fact]
    public Task Fully_qualified_without_usings() =>
        Verify.VerifyCodeFixAsync("""
            class C
            {
                TorchSharp.torch.Tensor Loss(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y) =>
                    [|-(y * TorchSharp.torch.log(TorchSharp.torch.nn.functional.softmax(x, 1))).sum()|];
            }
            """, """
            class C
            {
                TorchSharp.torch.Tensor Loss(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y) =>
                    TorchSharp.torch.nn.functional.cross_entropy(x, y, reduction: TorchSharp.torch.nn.Reduction.Sum);
            }
            """);

    [Fact]
    public Task Mean_over_every_element_is_reported_without_a_fix() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => [|-(y * torch.log(F.softmax(x, 1))).mean()|];
            }
            """);

    [Fact]
    public Task Softmax_over_another_dim_is_reported_without_a_fix() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => [|-(y * torch.log(F.softmax(x, 0))).sum()|];
            }
            """);

    [Fact]
    public Task Logits_computed_inside_a_local_are_not_evaluated_twice() =>
        Verify.VerifyNoFixAsync(Usings + """
            using TorchSharp.Modules;
            class C
            {
                Tensor Loss(Linear model, Tensor x, Tensor y)
                {
                    var p = F.softmax(model.call(x), 1);
                    return [|-(y * torch.log(p)).sum()|];
                }
            }
            """);

    [Fact]
    public async Task Logits_hidden_where_the_loss_is_computed_are_reported_without_a_fix()
    {
        // Inside the lambda, x is the lambda's own parameter: cross_entropy(x, ...) there would read the wrong tensor.
        await Verify.VerifyAnalyzerAsync(Usings + """
            using System;
            class C
            {
                Func<Tensor, Tensor> Loss(Tensor x, Tensor y)
                {
                    var p = F.softmax(x, 1);
                    return x => {|#0:-(y * torch.log(p)).sum()|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithMessage("Hand-written cross entropy turns NaN when a probability underflows; no automatic fix: the logits cannot be read where the loss is computed"));
    }

    [Fact]
    public async Task The_reason_for_no_fix_is_in_the_message()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => {|#0:-(y * torch.log(F.softmax(x, 1))).mean()|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithMessage("Hand-written cross entropy turns NaN when a probability underflows; no automatic fix: the mean over every element is C times smaller than cross_entropy's mean over the batch"));
    }

    [Fact]
    public async Task NG1002_wins_over_NG1001_on_the_same_log()
    {
        var test = AnalyzerVerifier<NanGuardRulesAnalyzer>.Test();
        test.TestCode = Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => {|NG1002:-(y * torch.log(F.softmax(x, 1))).sum()|};
                Tensor LogProbabilities(Tensor x) => {|NG1001:torch.log(F.softmax(x, 1))|};
            }
            """;
        await test.RunAsync();
    }

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => F.cross_entropy(x, y);
                Tensor B(Tensor x, Tensor y) => (y * torch.log(F.softmax(x, 1))).sum();
                Tensor D(Tensor x, Tensor y) => -(y * torch.log(x)).sum();
                Tensor E(Tensor x, Tensor y) => -(y + F.log_softmax(x, 1)).sum();
                Tensor G(Tensor x, Tensor y) => -(y * F.log_softmax(x, 1)).sum(1);
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        test.TestCode = """
            class Tensor
            {
                public static Tensor operator -(Tensor t) => t;
                public static Tensor operator *(Tensor a, Tensor b) => a;
                public Tensor sum() => this;
                public Tensor log() => this;
                public Tensor softmax(long d) => this;
            }
            class C
            {
                Tensor Loss(Tensor x, Tensor y) => -(y * x.softmax(1).log()).sum();
            }
            """;
        await test.RunAsync();
    }
}
