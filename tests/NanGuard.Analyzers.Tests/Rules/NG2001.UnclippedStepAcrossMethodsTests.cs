using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.UnclippedStepAnalyzer,
    NanGuard.CodeFixes.Rules.UnclippedStepCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>
/// NG2001 where the optimizer is built in one method and stepped in another: passed as an argument, returned by a
/// factory, kept in a field set elsewhere. Its risk comes from where it was built; where callers disagree, the riskiest
/// one decides, and the message says where it was built.
/// </summary>
public sealed class UnclippedStepAcrossMethodsTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private const string Train = """

            static void Train(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
            {
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    {|#1:F.mse_loss(model.call(x), y).backward()|};
                    {|#0:optimizer.step()|};
                }
            }
        """;

    private static DiagnosticResult Warning(string risk, string? claim = null) =>
        Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
            .WithArguments($" ({risk})", claim ?? UnclippedStepClaims.For(risk));

    private static DiagnosticResult Suggestion(string claim) =>
        Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", claim);

    [Fact]
    public Task Optimizer_passed_to_a_method_that_steps_it_unclipped() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main()
                {
                    var model = nn.Linear(4, 2);
                    var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.5);
                    Train(model, optimizer, torch.ones(8, 4), torch.ones(8, 2));
                }
            """ + Train + "\n}",
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("step() follows backward() with no gradient clipping (SGD at learning rate 0.5, built in Program.Main); clipping bounds the step an exploding gradient takes, but cannot make a NaN loss or gradient finite"));

    [Fact]
    public Task Construction_written_as_the_argument() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main()
                {
                    var model = nn.Linear(4, 2);
                    Train(model, torch.optim.SGD(model.parameters(), learningRate: 0.5), torch.ones(8, 4), torch.ones(8, 2));
                }
            """ + Train + "\n}",
            Warning("SGD at learning rate 0.5, built in Program.Main"));

    [Fact]
    public Task Callers_that_disagree_the_riskiest_decides() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Slow(Linear model, Tensor x, Tensor y) =>
                    Train(model, torch.optim.Adam(model.parameters(), lr: 0.001), x, y);

                static void Fast(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.6);
                    Train(model, optimizer, x, y);
                }

                static void Faster(Linear model, Tensor x, Tensor y) =>
                    Train(model, torch.optim.SGD(model.parameters(), learningRate: 0.9, momentum: 0.9), x, y);
            """ + Train + "\n}",
            Warning("SGD at learning rate 0.9, built in Program.Faster", UnclippedStepClaims.Mixed));

    [Fact]
    public Task Callers_all_below_the_threshold_leave_a_suggestion() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main(Linear model, Tensor x, Tensor y)
                {
                    Train(model, torch.optim.Adam(model.parameters(), lr: 0.001), x, y);
                    Train(model, torch.optim.SGD(model.parameters(), learningRate: 0.1), x, y);
                }
            """ + Train + "\n}",
            Suggestion(UnclippedStepClaims.Mixed));

    [Fact]
    public Task Private_methods_of_the_same_name_take_only_their_own_types_callers() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Calm
            {
                static void Main(Linear model, Tensor x, Tensor y) =>
                    Train(model, torch.optim.Adam(model.parameters(), lr: 0.001), x, y);
            """ + Train + """

            }

            class Risky
            {
                static void Main(Linear model, Tensor x, Tensor y) =>
                    Train(model, torch.optim.SGD(model.parameters(), learningRate: 0.8), x, y);
            """ + Train.Replace("#0", "#2").Replace("#1", "#3") + "\n}",
            Suggestion(UnclippedStepClaims.Adaptive("Adam")),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments(" (SGD at learning rate 0.8, built in Risky.Main)", UnclippedStepClaims.Sgd));

    [Fact]
    public Task Optimizer_passed_to_a_method_that_clips_is_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main(Linear model, Tensor x, Tensor y) =>
                    Train(model, torch.optim.Adam(model.parameters(), lr: 0.1), x, y);

                static void Train(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
                    }
                }
            }
            """);

    [Fact]
    public Task Optimizer_returned_by_a_factory() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static optim.Optimizer Make(Linear model) => torch.optim.SGD(model.parameters(), learningRate: 0.7);

                static optim.Optimizer MakeSlowly(Linear model)
                {
                    if (model is null)
                        throw new ArgumentNullException(nameof(model));
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.001);
                    return optimizer;
                }

                static void Main(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = Make(model);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        {|#1:F.mse_loss(model.call(x), y).backward()|};
                        {|#0:optimizer.step()|};
                    }
                    var slow = MakeSlowly(model);
                    for (var i = 0; i < 10; i++)
                    {
                        slow.zero_grad();
                        {|#3:F.mse_loss(model.call(x), y).backward()|};
                        {|#2:slow.step()|};
                    }
                }
            }
            """,
            Warning("SGD at learning rate 0.7, built in Program.Make"),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Adaptive("Adam")));

    [Fact]
    public Task Field_set_in_another_method_and_from_a_constructor_argument() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Trainer
            {
                private readonly Linear model;
                private readonly optim.Optimizer optimizer;

                public Trainer(Linear model, optim.Optimizer optimizer)
                {
                    this.model = model;
                    this.optimizer = optimizer;
                }

                public void Fit(Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        {|#1:F.mse_loss(model.call(x), y).backward()|};
                        {|#0:optimizer.step()|};
                    }
                }
            }

            sealed class Setup
            {
                private optim.Optimizer? optimizer;

                public void Build(Linear model) => optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.6);

                public void Fit(Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        {|#3:loss.backward()|};
                        {|#2:optimizer!.step()|};
                    }
                }
            }

            static class Program
            {
                static void Main()
                {
                    var model = nn.Linear(4, 2);
                    new Trainer(model, torch.optim.SGD(model.parameters(), learningRate: 0.8)).Fit(torch.ones(8, 4), torch.ones(8, 2));
                }
            }
            """,
            Warning("SGD at learning rate 0.8, built in Program.Main"),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments(" (SGD at learning rate 0.6, built in Setup.Build)", UnclippedStepClaims.Sgd));

    [Fact]
    public Task Recursion_and_cycles_end() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main(Linear model, Tensor loss) => Epochs(torch.optim.SGD(model.parameters(), learningRate: 0.8), loss, 3);

                static void Epochs(optim.Optimizer optimizer, Tensor loss, int left)
                {
                    if (left == 0)
                        return;
                    for (var i = 0; i < 10; i++)
                    {
                        {|#1:loss.backward()|};
                        {|#0:optimizer.step()|};
                    }
                    Epochs(optimizer, loss, left - 1);
                    Other(optimizer, loss, left - 1);
                }

                static void Other(optim.Optimizer optimizer, Tensor loss, int left) => Epochs(optimizer, loss, left);

                static void Ping(optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        {|#3:loss.backward()|};
                        {|#2:optimizer.step()|};
                    }
                    Pong(optimizer, loss);
                }

                static void Pong(optim.Optimizer optimizer, Tensor loss) => Ping(optimizer, loss);
            }
            """,
            Warning("SGD at learning rate 0.8, built in Program.Main"),
            // Ping is never called with an optimizer: what clipping does there depends on the optimizer it is given.
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnclippedStepClaims.Mixed));

    [Fact]
    public async Task Optimizer_built_in_another_file()
    {
        var test = Verify.Test();
        test.TestState.Sources.Add(("/0/Program.cs", Usings + """
            static class Program
            {
                static void Main()
                {
                    var model = nn.Linear(4, 2);
                    Trainer.Train(model, torch.optim.SGD(model.parameters(), learningRate: 0.5), torch.ones(8, 4), torch.ones(8, 2));
                }
            }
            """));
        test.TestState.Sources.Add(("/0/Trainer.cs", Usings + "static class Trainer\n{" + Train.Replace("static void", "public static void") + "\n}"));
        test.ExpectedDiagnostics.Add(Warning("SGD at learning rate 0.5, built in Program.Main"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_clips_the_optimizers_parameters_where_the_model_is_in_another_method()
    {
        var before = Usings + """
            class Program
            {
                static void Main(Tensor x, Tensor y)
                {
                    var net = nn.Linear(4, 2);
                    Fit(torch.optim.Adam(net.parameters(), lr: 0.01), x, y);
                }

                static void Fit(optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        x.sum().backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """;
        await Verify.VerifyCodeFixAsync(before, before.Replace("[|optimizer.step()|];", "torch.nn.utils.clip_grad_norm_(optimizer.parameters(), 1.0);\n            optimizer.step();"));
    }
}
