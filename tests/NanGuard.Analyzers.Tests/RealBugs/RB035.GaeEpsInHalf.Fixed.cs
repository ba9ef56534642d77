// Source: GitHub pull request pyg-team/pytorch_geometric#2106 (Make EPS adjustable to the precision): https://github.com/pyg-team/pytorch_geometric/pull/2106
// Bug: the graph autoencoder's reconstruction loss is -log(decoder(z, edges, sigmoid=True) + EPS) with EPS = 1e-15; in a float16 model EPS rounds to 0 and a 0 probability gives log(0).
// Fix: take EPS from the precision of the values (the dtype's smallest step), as the pull request proposes.
// Hazard: epsilon erased by rounding
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB035;

public sealed class InnerProductDecoder
{
    public Tensor Forward(Tensor z, Tensor edgeIndex, bool sigmoid = true)
    {
        var value = (z.index_select(0, edgeIndex[0]) * z.index_select(0, edgeIndex[1])).sum(1);
        return sigmoid ? torch.sigmoid(value) : value;
    }
}

public sealed class Gae
{
    private readonly InnerProductDecoder _decoder = new();

    public Tensor ReconLoss(Tensor z, Tensor posEdgeIndex)
    {
        var zHalf = z.to(ScalarType.Float16);
        var eps = torch.finfo(zHalf.dtype).eps;
        var posLoss = -torch.log(_decoder.Forward(zHalf, posEdgeIndex, sigmoid: true) + eps).mean();
        return posLoss;
    }
}
