#include <string>
#include <vector>

struct Player { std::string name; int score; };

std::vector<Player> top(std::vector<Player> players, size_t k) {
    for (size_t i = 0; i < players.size(); i++) {
        for (size_t j = 0; j + 1 < players.size() - i; j++) {
            if (players[j].score < players[j + 1].score) {
                std::swap(players[j], players[j + 1]);
            }
        }
    }
    players.resize(std::min(k, players.size()));
    return players;
}
