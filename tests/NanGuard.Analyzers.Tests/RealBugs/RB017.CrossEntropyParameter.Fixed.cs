// Source: TF program bugs (ISSTA'18) GitHub IPS-9, GRIST subject 3 (ghips9): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_3
// Bug: a private cost method takes the activation as a parameter and computes -sum(y * log(activation)); its only caller passes softmax(xW + b).
// Fix: the cost from the logits with the library's softmax cross entropy (softmax_cross_entropy_with_logits).
// Hazard: 0 * log(0)
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB017;

public static class Ghips9
{
    private static Tensor Cost(Tensor logits, Tensor y) => F.cross_entropy(logits, y, reduction: nn.Reduction.Sum);

    public static Tensor Train(Tensor x, Tensor y, Tensor w, Tensor b) => Cost(torch.matmul(x, w) + b, y);
}
