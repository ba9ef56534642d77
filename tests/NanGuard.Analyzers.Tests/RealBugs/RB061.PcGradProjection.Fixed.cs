// Source: GitHub issue WeiChengTseng/Pytorch-PCGrad#7 (g_j.norm() is equal to zero?): https://github.com/WeiChengTseng/Pytorch-PCGrad/issues/7
// Bug: PCGrad projects a conflicting task gradient with g_i -= (g_i . g_j) * g_j / (g_j.norm() ** 2); a task whose gradient is all zeros makes the denominator 0 and the loss NaN.
// Fix: add an epsilon (1e-5) to the squared norm, as the reporter did.
// Hazard: division by 0
using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB061;

public sealed class PcGrad
{
    private const double Eps = 1e-5;
    private readonly Random _random = new(0);

    public List<Tensor> ProjectConflicting(List<Tensor> grads)
    {
        var pcGrad = grads.Select(g => g.clone()).ToList();
        foreach (var gI in pcGrad)
        {
            foreach (var gJ in grads.OrderBy(_ => _random.Next()))
            {
                var gIgJ = torch.dot(gI, gJ);
                if (gIgJ.item<float>() < 0)
                    gI.sub_(gIgJ * gJ / (gJ.norm().pow(2) + Eps));
            }
        }
        return pcGrad;
    }
}
