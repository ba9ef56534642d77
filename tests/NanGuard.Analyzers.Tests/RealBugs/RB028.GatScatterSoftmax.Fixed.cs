// Source: GitHub issue pyg-team/pytorch_geometric#53 (scatter softmax outputs nan): https://github.com/pyg-team/pytorch_geometric/issues/53
// Bug: the softmax over each node's incoming edges is written as src.exp() / scatter_add(src.exp(), index)[index], with no per-segment max subtracted; exp of a large attention score overflows to inf / inf.
// Fix: subtract each segment's max (scatter_max, here a loop over the nodes) before exp, as the maintainer's fix does.
// Hazard: exp overflow
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB028;

public static class GraphSoftmax
{
    public static Tensor Softmax(Tensor src, Tensor index, long numNodes)
    {
        var rowMax = torch.zeros(numNodes, dtype: src.dtype);
        using (torch.no_grad())
        {
            for (var node = 0; node < numNodes; node++)
            {
                var incoming = src[index == node];
                if (incoming.numel() > 0)
                    rowMax[node] = incoming.max();
            }
        }
        var outExp = (src - rowMax.index_select(0, index)).exp();
        var sum = torch.zeros(numNodes, dtype: src.dtype).index_add(0, index, outExp, 1);
        return outExp / sum.index_select(0, index);
    }
}

public sealed class GatLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear lin = nn.Linear(16, 16, hasBias: false);
    private readonly Parameter att = new(torch.randn(32));

    public GatLayer() : base(nameof(GatLayer)) => RegisterComponents();

    public override Tensor forward(Tensor x, Tensor edgeIndex)
    {
        var h = lin.call(x);
        var src = edgeIndex[0];
        var dst = edgeIndex[1];
        var alpha = F.leaky_relu(torch.cat(new[] { h.index_select(0, src), h.index_select(0, dst) }, -1).matmul(att), 0.2);
        alpha = GraphSoftmax.Softmax(alpha, dst, x.shape[0]);
        return torch.zeros_like(h).index_add(0, dst, h.index_select(0, src) * alpha.unsqueeze(-1), 1);
    }
}
