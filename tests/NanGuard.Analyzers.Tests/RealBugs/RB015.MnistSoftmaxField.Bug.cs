// Source: TF program bugs (ISSTA'18) Stack Overflow IPS-14, GRIST subject 10 (soips14): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_10
// Bug: the model's softmax output is kept in a field y and the loss is -sum(y_ * log(y)); once a probability underflows, 0 * log(0) is NaN.
// Fix: clip the probability before the log: log(clip_by_value(y, 1e-10, 1.0)), as the study's fix does.
// Hazard: 0 * log(0)
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB015;

public sealed class MnistSoftmax
{
    private readonly Tensor _w = torch.zeros(784, 10).requires_grad_();
    private readonly Tensor _b = torch.zeros(10).requires_grad_();
    private Tensor _y = torch.empty(0);

    public void Build(Tensor x) => _y = F.softmax(torch.matmul(x, _w) + _b, 1);

    public Tensor CrossEntropy(Tensor yLabel) => -torch.sum(yLabel * torch.log(_y)); // expect: NG1002, NG1009, NG1001
}
