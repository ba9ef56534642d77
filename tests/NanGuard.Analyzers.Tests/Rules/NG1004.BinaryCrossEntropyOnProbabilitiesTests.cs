using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.BinaryCrossEntropyOnProbabilitiesAnalyzer,
    NanGuard.CodeFixes.Rules.BinaryCrossEntropyOnProbabilitiesCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class BinaryCrossEntropyOnProbabilitiesTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Call_on_a_sigmoid_becomes_with_logits() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => [|F.binary_cross_entropy(torch.sigmoid(x), y)|];
                Tensor B(Tensor x, Tensor y) => [|F.binary_cross_entropy(x.sigmoid(), y)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => F.binary_cross_entropy_with_logits(x, y);
                Tensor B(Tensor x, Tensor y) => F.binary_cross_entropy_with_logits(x, y);
            }
            """);

    [Fact]
    public Task Weight_and_reduction_are_kept_positional_or_named() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y, Tensor w) => [|F.binary_cross_entropy(F.sigmoid(x), y, w, nn.Reduction.Sum)|];
                Tensor B(Tensor x, Tensor y, Tensor w) =>
                    [|F.binary_cross_entropy(input: torch.sigmoid(x), target: y, reduction: nn.Reduction.None, weight: w)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y, Tensor w) => F.binary_cross_entropy_with_logits(x, y, w, nn.Reduction.Sum);
                Tensor B(Tensor x, Tensor y, Tensor w) =>
                    F.binary_cross_entropy_with_logits(input: x, target: y, reduction: nn.Reduction.None, weight: w);
            }
            """);

    [Fact]
    public Task Fully_qualified_and_through_a_local() =>
        Verify.VerifyCodeFixAsync("""
            class C
            {
                TorchSharp.torch.Tensor A(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y)
                {
                    var p = TorchSharp.torch.sigmoid(x);
                    return [|TorchSharp.torch.nn.functional.binary_cross_entropy(p, y)|];
                }
            }
            """, """
            class C
            {
                TorchSharp.torch.Tensor A(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y)
                {
                    return TorchSharp.torch.nn.functional.binary_cross_entropy_with_logits(x, y);
                }
            }
            """);

    [Fact]
    public Task Hand_written_mean_becomes_with_logits() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) =>
                    [|-(y * torch.log(torch.sigmoid(x)) + (1 - y) * torch.log(1 - torch.sigmoid(x))).mean()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) =>
                    F.binary_cross_entropy_with_logits(x, y);
            }
            """);

    [Fact]
    public Task Hand_written_sum_and_unreduced_keep_their_reduction() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y)
                {
                    var p = x.sigmoid();
                    return [|(-(torch.log(1 - p) * (1 - y) + y * p.log())).sum()|];
                }
                Tensor B(Tensor x, Tensor y) => [|-(y * torch.log(F.sigmoid(x)) + (1.0 - y) * torch.log(1.0 - F.sigmoid(x)))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y)
                {
                    return F.binary_cross_entropy_with_logits(x, y, reduction: torch.nn.Reduction.Sum);
                }
                Tensor B(Tensor x, Tensor y) => F.binary_cross_entropy_with_logits(x, y, reduction: torch.nn.Reduction.None);
            }
            """);

    [Fact]
    public Task Hand_written_with_a_static_reduction_and_the_negation_inside() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) =>
                    [|torch.mean(-(torch.log(torch.sigmoid(x)) * y + (1 - y) * torch.log(1 - torch.sigmoid(x))))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) =>
                    F.binary_cross_entropy_with_logits(x, y);
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 1);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => [|F.binary_cross_entropy(torch.sigmoid(fc.call(x)), torch.ones(1))|];
            }

            class C
            {
                Func<Tensor, Tensor, Tensor> f = (x, y) => [|F.binary_cross_entropy(x.sigmoid(), y)|];
                Tensor M(Tensor x, Tensor y)
                {
                    Tensor Inner(Tensor a) => [|-(y * torch.log(a.sigmoid()) + (1 - y) * torch.log(1 - a.sigmoid())).mean()|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => F.binary_cross_entropy_with_logits(x, y);
                Tensor B(Tensor p, Tensor y) => F.binary_cross_entropy(p, y);
                Tensor D(Tensor x, Tensor y) => F.binary_cross_entropy(torch.sigmoid(x).clamp(1e-6, 1 - 1e-6), y);
                // Different logits in the two terms: not a binary cross entropy.
                Tensor E(Tensor x, Tensor z, Tensor y) =>
                    -(y * torch.log(torch.sigmoid(x)) + (1 - y) * torch.log(1 - torch.sigmoid(z))).mean();
                // No negation: not a loss.
                Tensor G(Tensor x, Tensor y) =>
                    (y * torch.log(torch.sigmoid(x)) + (1 - y) * torch.log(1 - torch.sigmoid(x))).mean();
                Tensor H(Tensor x, Tensor y) => -(y * F.logsigmoid(x) + (1 - y) * F.logsigmoid(-x)).mean();
            }
            """);

    [Fact]
    public Task No_fix_where_the_logits_changed_after_the_sigmoid() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor logits, Tensor y)
                {
                    var x = logits;
                    var p = torch.sigmoid(x);
                    x = x * 2;
                    return [|F.binary_cross_entropy(p, y)|];
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
                    public sealed class Tensor { public Tensor sigmoid() => this; }
                    public static class nn { public static class functional { public static Tensor binary_cross_entropy(Tensor input, Tensor target) => input; } }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => TorchSharp.torch.nn.functional.binary_cross_entropy(x.sigmoid(), x);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
