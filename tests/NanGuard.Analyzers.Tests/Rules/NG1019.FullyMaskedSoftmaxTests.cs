using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.FullyMaskedSoftmaxAnalyzer,
    NanGuard.CodeFixes.Rules.FullyMaskedSoftmaxCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class FullyMaskedSoftmaxTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task A_fill_of_a_local_is_made_the_dtypes_lowest_finite_value() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor scores, Tensor pad)
                {
                    var masked = scores.masked_fill(pad, float.NegativeInfinity);
                    return [|F.softmax(masked, -1)|];
                }
                Tensor B(Tensor q, Tensor k, Tensor pad)
                {
                    var logits = q.matmul(k);
                    var masked = logits.masked_fill(pad, value: double.NegativeInfinity) / 8;
                    return [|masked.log_softmax(-1)|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor scores, Tensor pad)
                {
                    var masked = scores.masked_fill(pad, torch.finfo(scores.dtype).min);
                    return F.softmax(masked, -1);
                }
                Tensor B(Tensor q, Tensor k, Tensor pad)
                {
                    var logits = q.matmul(k);
                    var masked = logits.masked_fill(pad, value: torch.finfo(logits.dtype).min) / 8;
                    return masked.log_softmax(-1);
                }
            }
            """);

    [Fact]
    public Task A_fill_of_an_expression_is_made_float_MinValue() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor q, Tensor k, Tensor pad) => [|softmax(q.matmul(k).masked_fill(pad, float.NegativeInfinity), 1)|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor pad) =>
                    [|TorchSharp.torch.nn.functional.softmax((x * 2).masked_fill(pad, -float.PositiveInfinity), 1)|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor q, Tensor k, Tensor pad) => softmax(q.matmul(k).masked_fill(pad, float.MinValue), 1);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor pad) =>
                    TorchSharp.torch.nn.functional.softmax((x * 2).masked_fill(pad, float.MinValue), 1);
            }
            """);

    [Fact]
    public Task An_additive_mask_of_minus_inf_is_followed_through_the_sum() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor scores, Tensor pad, long n)
                {
                    var bias = torch.zeros(n, n).masked_fill(pad, float.NegativeInfinity);
                    return [|F.softmax(scores + bias, -1)|];
                }
                Tensor B(Tensor scores, Tensor pad, Tensor bias)
                {
                    var mask = bias.masked_fill(pad, float.NegativeInfinity);
                    return [|scores.add(mask).softmax(-1)|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor scores, Tensor pad, long n)
                {
                    var bias = torch.zeros(n, n).masked_fill(pad, float.MinValue);
                    return F.softmax(scores + bias, -1);
                }
                Tensor B(Tensor scores, Tensor pad, Tensor bias)
                {
                    var mask = bias.masked_fill(pad, torch.finfo(bias.dtype).min);
                    return scores.add(mask).softmax(-1);
                }
            }
            """);

    [Fact]
    public async Task Reported_as_info_with_the_fill_and_the_member_it_came_through()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Attention : nn.Module<Tensor, Tensor>
            {
                public Attention() : base(nameof(Attention)) { }
                private Tensor {|#2:Scores|}(Tensor x, Tensor pad) => {|#1:x.matmul(x.t()).masked_fill(pad, float.NegativeInfinity)|};
                public override Tensor forward(Tensor x) => {|#0:Scores(x, x > 0).softmax(1)|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithLocation(2).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("softmax of a tensor filled with -inf by masked_fill (returned by Attention.Scores): a row the mask covers entirely gives NaN; fill with float.MinValue"));
    }

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor pad) => F.softmax(x.masked_fill(pad, -1e9), 1);
                Tensor B(Tensor x, Tensor pad) => F.softmax(x.masked_fill(pad, float.MinValue), 1);
                Tensor D(Tensor x, Tensor pad) => F.softmax(x.masked_fill(pad, 0), 1);
                Tensor E(Tensor x) => F.softmax(x, 1);
                Tensor G(Tensor x, Tensor pad) => F.softmax(x.masked_fill(pad, float.NegativeInfinity).clamp_min(-1e4), 1);
                Tensor H(Tensor x, Tensor pad) => x.masked_fill(pad, float.NegativeInfinity).exp();
            }
            """);

    [Fact]
    public Task A_float16_expression_gets_no_fix() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor pad) => [|x.half().masked_fill(pad, float.NegativeInfinity).softmax(1)|];
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
                        public Tensor masked_fill(Tensor mask, double value) => this; public Tensor softmax(long dim) => this;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor pad) => x.masked_fill(pad, double.NegativeInfinity).softmax(1);
            }
            """;
        test.TestCode = source;
        test.FixedCode = source;
        await test.RunAsync();
    }
}
