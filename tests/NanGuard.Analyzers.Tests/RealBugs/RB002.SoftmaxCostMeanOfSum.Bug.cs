// Source: GRIST (FSE'21) subject 54, DataScience.h03: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_54
// Bug: the forward pass stores torch.softmax(torch.mm(x, W) + b, 1) in a field and the cost is -torch.mean(torch.sum(y * torch.log(hypothesis), 1)).
// Fix: the program's own alternative, F.cross_entropy on the logits.
// Hazard: log of 0
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB002;

public sealed class Classifier
{
    private readonly Tensor _w = torch.randn(784, 10).requires_grad_();
    private readonly Tensor _b = torch.zeros(10).requires_grad_();
    private Tensor? _hypothesis;

    public void Forward(Tensor x) => _hypothesis = torch.softmax(torch.mm(x, _w) + _b, 1);

    public Tensor Cost(Tensor yT) => -torch.mean(torch.sum(yT * torch.log(_hypothesis!), 1)); // expect: NG1002, NG1009, NG1001
}
