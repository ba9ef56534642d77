using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1021, tripped once (NanGuard reports the marked line), beside the form the page's fix writes.</summary>
public static class HandWrittenSegmentSoftmax
{
    /// <summary>NG1021: an edge score above about 88.7 makes exp inf: inf / inf per node.</summary>
    public static Tensor EdgeSoftmax(Tensor scores, Tensor target, long nodes)
    {
        var ex = torch.exp(scores); // NanGuard: NG1021
        var sums = torch.zeros(nodes).index_add(0, target, ex, 1);
        return ex / sums[target];
    }

    /// <summary>NG1021 fixed: each node's largest score is subtracted first.</summary>
    public static Tensor EdgeSoftmaxFixed(Tensor scores, Tensor target, long nodes)
    {
        var member = target.unsqueeze(1).eq(torch.arange(nodes).unsqueeze(0));
        var max = scores.detach().unsqueeze(1).masked_fill(member.logical_not(), float.NegativeInfinity).amax(new long[] { 0 });
        var ex = torch.exp(scores - max[target]);
        var sums = torch.zeros(nodes).index_add(0, target, ex, 1);
        return ex / sums[target];
    }
}
