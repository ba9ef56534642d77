// Source: GRIST (FSE'21) subject 53, DataScience.h02: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_53
// Bug: binary cross entropy written with subtractions, torch.mean(-y * log(h) - (1 - y) * log(1 - h)), where h is the sigmoid a helper returns.
// Fix: F.binary_cross_entropy_with_logits on the logits.
// Hazard: log of 0
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB003;

public sealed class LogisticRegression
{
    private readonly Tensor _w = torch.zeros(8, 1).requires_grad_();
    private readonly Tensor _b = torch.zeros(1).requires_grad_();

    private Tensor Logits(Tensor x) => x.matmul(_w) + _b;

    public Tensor Cost(Tensor xTrain, Tensor yTrain) => F.binary_cross_entropy_with_logits(Logits(xTrain), yTrain);
}
