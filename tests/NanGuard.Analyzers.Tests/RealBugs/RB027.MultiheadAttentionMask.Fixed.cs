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
    private static Tensor KeyMask(Tensor padding, long queries) =>
        torch.zeros(padding.shape[0], queries, padding.shape[1]).masked_fill(padding.unsqueeze(1), double.NegativeInfinity);

    public static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor padding)
    {
        var keep = padding.logical_not().any(-1, keepdim: true).unsqueeze(-1);
        var scores = torch.matmul(q, k.transpose(-2, -1)) / Math.Sqrt(q.shape[2]) + KeyMask(padding.logical_and(keep.squeeze(-1)), q.shape[1]);
        var attn = scores.softmax(-1);
        return torch.matmul(attn, v);
    }
}
