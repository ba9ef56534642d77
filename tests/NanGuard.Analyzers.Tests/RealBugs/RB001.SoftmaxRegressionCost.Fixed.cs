// Source: GRIST (FSE'21) subject 46, Study.torch20_softmax: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_46
// Bug: the cost is (y_one_hot * -log(hypothesis)).sum(1).mean() with the softmax hypothesis made by a helper; a probability underflows to 0 and log gives -inf.
// Fix: the tutorial's next step, F.cross_entropy on the logits.
// Hazard: log of 0
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB001;

public sealed class SoftmaxRegression
{
    private readonly Tensor _w = torch.zeros(4, 3).requires_grad_();
    private readonly Tensor _b = torch.zeros(1).requires_grad_();

    public Tensor Logits(Tensor x) => x.matmul(_w) + _b;

    public Tensor Cost(Tensor x, Tensor y) => F.cross_entropy(Logits(x), y);
}
