// Source: GRIST (FSE'21) subject 37, MachineLearning.lab05 (lab-05-1-logistic_regression): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_37
// Bug: hypothesis = torch.sigmoid(X.matmul(W) + b) and cost = -(Y * torch.log(hypothesis) + (1 - Y) * torch.log(1 - hypothesis)).mean(), in the training step.
// Fix: F.binary_cross_entropy_with_logits on X.matmul(W) + b.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB021;

public static class Lab05
{
    public static Tensor Cost(Tensor x, Tensor y, Tensor w, Tensor b)
    {
        var hypothesis = torch.sigmoid(x.matmul(w) + b);
        var cost = -(y * torch.log(hypothesis) + (1 - y) * torch.log(1 - hypothesis)).mean(); // expect: NG1004
        return cost;
    }
}
