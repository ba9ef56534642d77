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
    public async Task The_log_of_a_mask_added_to_the_scores_is_a_fill_of_minus_inf_with_no_fix()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            static class Util
            {
                public static Tensor MaskedLogSoftmax(Tensor vector, Tensor? mask, long dim = -1)
                {
                    if (mask is not null)
                    {
                        mask = mask.to_type(vector.dtype);
                        while (mask.dim() < vector.dim())
                            mask = mask.unsqueeze(1);
                        vector = vector + {|#1:mask.log()|};
                    }
                    return {|#0:F.log_softmax(vector, dim)|};
                }
                public static Tensor Attend(Tensor scores, Tensor lengths, long n) =>
                    {|#2:F.softmax(scores + {|#3:(torch.arange(n).unsqueeze(0) < lengths.unsqueeze(1)).to_type(ScalarType.Float32).log()|}, -1)|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("log_softmax of a tensor filled with -inf by the log of a mask: a row the mask covers entirely gives NaN; fill the masked places with masked_fill(mask == 0, torch.finfo(dtype).min) instead of adding the mask's log"),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("softmax", "the log of a mask", "",
                "fill the masked places with masked_fill(mask == 0, torch.finfo(dtype).min) instead of adding the mask's log"));
        await Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor mask) => [|F.softmax(x + mask.log(), -1)|];
            }
            """);
    }

    [Fact]
    public Task The_log_of_a_mask_kept_from_0_or_with_a_1_in_every_row_is_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // An epsilon that survives in float32 keeps the log finite (about -103).
                Tensor A(Tensor vector, Tensor mask) => F.log_softmax(vector + (mask + 1e-45).log(), -1);
                // A one-hot and a causal mask have a 1 in every row.
                Tensor B(Tensor x, Tensor labels) => F.softmax(x + F.one_hot(labels, 10).log(), -1);
                Tensor D(Tensor x, long n) => F.softmax(x + torch.ones(n, n).tril().log(), -1);
                // The log of a tensor that is not a mask.
                Tensor E(Tensor x, Tensor w) => F.softmax(x + w.log(), -1);
                // A parameter written again with a clamp before the softmax.
                Tensor G(Tensor x, Tensor mask)
                {
                    x = x + mask.log();
                    x = x.clamp_min(-1e4);
                    return F.softmax(x, -1);
                }
            }
            """);

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
    public Task A_causal_mask_from_tril_or_triu_of_ones_keeps_the_diagonal_of_every_row() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            class CausalAttention : nn.Module<Tensor, Tensor>
            {
                private readonly Tensor bias;

                public CausalAttention(int blockSize) : base("attn")
                {
                    bias = ones(blockSize, blockSize).tril().view(1, 1, blockSize, blockSize);
                }

                public override Tensor forward(Tensor att)
                {
                    var t = (int)att.shape[2];
                    att = att.masked_fill(bias[.., .., ..t, ..t] == 0, float.NegativeInfinity);
                    return F.softmax(att, -1);
                }

                Tensor Local(Tensor wei, long t)
                {
                    var mask = ones(t, t).tril();
                    wei = wei.masked_fill(mask == 0, float.NegativeInfinity);
                    return softmax(wei, dim: -1);
                }

                Tensor Upper(Tensor q, Tensor k, long t)
                {
                    var future = torch.triu(torch.ones(t, t, dtype: ScalarType.Bool), diagonal: 1);
                    var scores = q.matmul(k.transpose(-2, -1)).masked_fill(future.unsqueeze(0), double.NegativeInfinity) / Math.Sqrt(64);
                    return scores.softmax(-1);
                }

                Tensor Additive(Tensor scores, long t) =>
                    (scores + torch.zeros(t, t).masked_fill(torch.ones(t, t).tril().logical_not(), float.NegativeInfinity)).softmax(-1);
            }
            """);

    [Fact]
    public Task A_mask_that_can_cover_a_whole_row_is_still_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // A padding mask: a sequence padded throughout masks every key of its rows.
                Tensor Padding(Tensor scores, Tensor padding) =>
                    [|scores.masked_fill(padding.unsqueeze(1).unsqueeze(2), float.NegativeInfinity).softmax(-1)|];
                // Strictly below the diagonal: row 0 keeps nothing.
                Tensor Strict(Tensor scores, long t) =>
                    [|scores.masked_fill(ones(t, t).tril(-1) == 0, float.NegativeInfinity).softmax(-1)|];
                // The kept triangle itself masked: the last row is masked entirely.
                Tensor Inverted(Tensor scores, long t) =>
                    [|scores.masked_fill(ones(t, t).tril() == 1, float.NegativeInfinity).softmax(-1)|];
                // A causal mask transposed, or a softmax over another dim: the rows are not the mask's rows.
                Tensor Transposed(Tensor scores, long t) =>
                    [|scores.masked_fill((ones(t, t).tril() == 0).t(), float.NegativeInfinity).softmax(-1)|];
                Tensor OtherDim(Tensor scores, long t) =>
                    [|scores.masked_fill(ones(t, t).tril() == 0, float.NegativeInfinity).softmax(0)|];
                // A causal mask over a padding mask: a padded query's row is masked throughout.
                Tensor Both(Tensor scores, Tensor padding, long t)
                {
                    var masked = scores.masked_fill(ones(t, t).tril() == 0, float.NegativeInfinity).masked_fill(padding, float.NegativeInfinity);
                    return [|masked.softmax(-1)|];
                }
                // The causal mask without its column 0: row 0 keeps nothing.
                Tensor Shifted(Tensor scores)
                {
                    var causal = ones(8, 8).tril();
                    return [|scores.masked_fill(causal[.., 1..] == 0, float.NegativeInfinity).softmax(-1)|];
                }
            }
            """);

    [Fact]
    public Task A_key_mask_kept_only_for_rows_with_an_unmasked_key_never_masks_a_whole_row() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            static class PaddedAttention
            {
                // padding.shape[1] is read before the unsqueeze: padding has 2 dims at least, and unsqueeze(1) keeps its last.
                private static Tensor KeyMask(Tensor padding, long queries) =>
                    torch.zeros(padding.shape[0], queries, padding.shape[1]).masked_fill(padding.unsqueeze(1), double.NegativeInfinity);

                private static Tensor Sized(Tensor padding, long queries)
                {
                    var keys = padding.size(1);
                    return torch.zeros(8, queries, keys).masked_fill(padding.unsqueeze(1), float.NegativeInfinity);
                }

                public static Tensor Attend(Tensor q, Tensor k, Tensor padding)
                {
                    var keep = padding.logical_not().any(-1, keepdim: true).unsqueeze(-1);
                    var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(64) + KeyMask(padding.logical_and(keep.squeeze(-1)), q.shape[1]);
                    return scores.softmax(-1);
                }

                public static Tensor Swapped(Tensor q, Tensor k, Tensor padding)
                {
                    var anyKept = torch.any(padding.logical_not(), -1, true);
                    return (q.matmul(k) + Sized(torch.logical_and(anyKept, padding), 4)).softmax(-1);
                }
            }
            """);

    [Fact]
    public Task A_key_mask_without_the_row_check_or_without_two_dims_is_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            static class PaddedAttention
            {
                private static Tensor KeyMask(Tensor padding, long queries) =>
                    torch.zeros(padding.shape[0], queries, padding.shape[1]).masked_fill(padding.unsqueeze(1), double.NegativeInfinity);

                // No read of a second dim: a 1-D mask would become a row along the new last dim.
                private static Tensor Unsized(Tensor padding, long batch, long queries, long keys) =>
                    torch.zeros(batch, queries, keys).masked_fill(padding.unsqueeze(1), double.NegativeInfinity);

                // The second dim read only on one branch: it says nothing where the other runs.
                private static Tensor Branched(Tensor padding, bool wide, long keys) =>
                    torch.zeros(8, 4, wide ? padding.shape[1] : keys).masked_fill(padding.unsqueeze(1), double.NegativeInfinity);

                // The and with another mask: a row of padding all true stays all true.
                public static Tensor Other(Tensor q, Tensor padding, Tensor other) =>
                    [|(q + KeyMask(padding.logical_and(other), 4)).softmax(-1)|];

                // any over the batch dim, or without keepdim: not a flag of each row.
                public static Tensor OverBatch(Tensor q, Tensor padding) =>
                    [|(q + KeyMask(padding.logical_and(padding.logical_not().any(0, keepdim: true)), 4)).softmax(-1)|];

                public static Tensor Flat(Tensor q, Tensor padding) =>
                    [|(q + KeyMask(padding.logical_and(padding.logical_not().any(-1)), 4)).softmax(-1)|];

                // The flag of another tensor's rows.
                public static Tensor Another(Tensor q, Tensor padding, Tensor other) =>
                    [|(q + KeyMask(padding.logical_and(other.logical_not().any(-1, keepdim: true)), 4)).softmax(-1)|];

                public static Tensor OneDim(Tensor q, Tensor padding) =>
                    [|(q + Unsized(padding.logical_and(padding.logical_not().any(-1, keepdim: true)), 8, 4, 16)).softmax(-1)|];

                public static Tensor OnOneBranch(Tensor q, Tensor padding) =>
                    [|(q + Branched(padding.logical_and(padding.logical_not().any(-1, keepdim: true)), true, 16)).softmax(-1)|];
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
