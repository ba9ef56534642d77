// Source: GitHub issue pytorch/pytorch#41508 (nn.MultiheadAttention causes gradients to become NaN): https://github.com/pytorch/pytorch/issues/41508
// Bug: a helper builds an additive attention mask with -inf for padded query and key positions; rows of padded queries are entirely -inf, the softmax of them is NaN and so is every gradient.
// Fix: mask only the keys (columns), never a whole row, as the thread concludes; padded queries are dropped after attention.
// Hazard: softmax of an all -inf row
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB027;

public static class PaddedAttention
{
    private static Tensor AttentionMask(Tensor padding)
    {
        var both = padding.unsqueeze(2).logical_or(padding.unsqueeze(1));
        return torch.zeros(both.shape).masked_fill(both, double.NegativeInfinity);
    }

    public static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor padding)
    {
        var scores = torch.matmul(q, k.transpose(-2, -1)) / Math.Sqrt(q.shape[2]) + AttentionMask(padding);
        var attn = scores.softmax(-1); // expect: NG1019
        return torch.matmul(attn, v);
    }
}
