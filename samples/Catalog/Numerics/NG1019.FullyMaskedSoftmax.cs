using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.Numerics;

/// <summary>NG1019, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class FullyMaskedSoftmax
{
    /// <summary>NG1019: a padding-only sequence masks its whole row: softmax of all -inf is NaN.</summary>
    public static Tensor Attention(Tensor scores, Tensor pad, Tensor values)
    {
        var masked = scores.masked_fill(pad, float.NegativeInfinity);
        return F.softmax(masked, -1).matmul(values); // NanGuard: NG1019
    }

    /// <summary>NG1019 fixed: a fully masked row gets uniform weights.</summary>
    public static Tensor AttentionFixed(Tensor scores, Tensor pad, Tensor values)
    {
        var masked = scores.masked_fill(pad, torch.finfo(scores.dtype).min);
        return F.softmax(masked, -1).matmul(values);
    }
}
